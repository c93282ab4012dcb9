import fc from 'fast-check';
import { bearer, TEST_KEYS } from './test-credentials';

/** The tenant the fuzz suite activates a package for; other tenant ids are generated too. */
export const TENANT = 'Cust12345';

export interface FuzzRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path with `:name` parameters. */
  path: string;
  /** The query parameters the route reads. */
  query: string[];
  /** A query the route accepts (most samples keep it, so that the body and the rest get judged too). */
  plausibleQuery?: string;
  /** A well-formed body, which the arbitraries mutate field by field (undefined: no body). */
  body?: Record<string, unknown>;
}

const now = () => new Date().toISOString();
const usage = () => ({ usageId: 'fuzz-1', service: 'chat-sessions', quantity: 1, occurredAt: now() });
const row = {
  name: 'user',
  description: 'User',
  tooltip: '',
  version: '1',
  type: 3,
  number: 5,
  unrestricted: false,
  hidden: false,
  extraFlags: 0,
  extraInfo: '',
  prerequisite: '',
  sortOrder: 1,
  signature: 'c2ln',
};
const licensePackage = {
  format: 'license-package/v1',
  packageId: 'p-1',
  sequence: 2,
  issuedAt: '2026-01-01T00:00:00Z',
  tenantId: TENANT,
  owner: {
    name: 'SUPEROFFICE',
    description: 'SuperOffice AS',
    certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
  },
  licensee: { companyName: 'Acme', serialNumber: '1', databaseType: 'Online' },
  dates: { expiration: null, graceTo: null, maintenanceTo: null, adminWarningDate: null, nextCheckDate: null },
  modules: [row],
  signature: 'c2ln',
};

/** Every route of the API (DESIGN.md §5, plus health and the OpenAPI document). */
export const ROUTES: FuzzRoute[] = [
  { method: 'POST', path: '/v1/tenants/:tenantId/license-packages/validate', query: [], body: licensePackage },
  { method: 'POST', path: '/v1/tenants/:tenantId/license-packages', query: [], body: licensePackage },
  {
    method: 'POST',
    path: '/v1/tenants/:tenantId/users/:userId/licenses',
    query: [],
    body: { module: 'sales-premium', owner: 'SUPEROFFICE' },
  },
  { method: 'DELETE', path: '/v1/tenants/:tenantId/users/:userId/licenses/:module', query: ['owner'] },
  { method: 'POST', path: '/v1/tenants/:tenantId/users/:userId/deactivate', query: [], body: {} },
  { method: 'POST', path: '/v1/tenants/:tenantId/users/:userId/reactivate', query: [], body: {} },
  {
    method: 'POST',
    path: '/v1/tenants/:tenantId/metered-usage',
    query: [],
    body: { records: [usage(), { ...usage(), usageId: 'fuzz-2', quantity: 2 }] },
  },
  { method: 'POST', path: '/v1/tenants/:tenantId/metered-usage', query: [], body: usage() },
  { method: 'POST', path: '/v1/tenants/:tenantId/metering/:month/close', query: [], body: {} },
  {
    method: 'POST',
    path: '/v1/tenants/:tenantId/system-events',
    query: [],
    body: { eventKey: 'NoLogin', scope: 3, owner: 'g1', message: 'm', status: 'active', eta: null },
  },
  {
    method: 'PATCH',
    path: '/v1/tenants/:tenantId/system-events/:eventKey',
    query: ['scope', 'owner'],
    plausibleQuery: '?scope=3&owner=g1',
    body: { status: 'running', message: 'x', eta: null },
  },
  {
    method: 'DELETE',
    path: '/v1/tenants/:tenantId/system-events/:eventKey',
    query: ['scope', 'owner'],
    plausibleQuery: '?scope=3&owner=g1',
  },
  { method: 'GET', path: '/v1/tenants/:tenantId/licenses', query: ['minPosition', 'asOf'] },
  { method: 'GET', path: '/v1/tenants/:tenantId/licenses/:module/holders', query: ['owner', 'minPosition'] },
  { method: 'GET', path: '/v1/tenants/:tenantId/users/:userId/licenses', query: ['owner', 'minPosition'] },
  { method: 'GET', path: '/v1/tenants/:tenantId/status', query: ['minPosition'] },
  { method: 'GET', path: '/v1/tenants/:tenantId/system-events', query: ['status', 'limit', 'cursor', 'minPosition'] },
  { method: 'GET', path: '/v1/tenants/:tenantId/metering/:month', query: ['minPosition'] },
  { method: 'GET', path: '/v1/tenants/:tenantId/events', query: ['fromPosition', 'limit'] },
  { method: 'GET', path: '/v1/tenants/:tenantId/audit/verify', query: [] },
  { method: 'GET', path: '/v1/tenants', query: ['limit', 'cursor', 'minPosition'] },
  { method: 'GET', path: '/health', query: [] },
  { method: 'GET', path: '/docs/json', query: [] },
];

/** Strings that have broken services before: control and bidirectional characters, prototype keys, huge and odd numbers. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u202eevil',
  '\u200f\u202b',
  '😀',
  '__proto__',
  'constructor',
  'prototype',
  '..',
  '../../etc/passwd',
  'x'.repeat(300),
  'x'.repeat(5000),
  '1e308',
  '-1',
  '0',
  '9999999999999999999',
  '99999999999999999999999',
  '-9223372036854775809',
  'NaN',
  'Infinity',
  'null',
  'true',
  '[]',
  '{}',
  '9999-12',
  '0000-01',
  '2026-02',
  '2026-13',
  '2026-02-31T10:00:00Z',
  '9999-12-31T23:59:59Z',
  TENANT,
  'SUPEROFFICE',
  'sales-premium',
  'NoLogin',
  'licensepackageactivated',
  'LicensePackageActivated',
  '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  "' OR 1=1 --",
  '$where',
  '{"$gt":""}',
];

const nastyString = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

const NASTY_NUMBERS = [
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  2 ** 63,
  -0,
  0,
  0.001,
  -1,
  1e-300,
  4294967296,
];

/** Any JSON value, from plain to hostile. */
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.constantFrom(...NASTY_NUMBERS),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant(nestedObject(40)),
  fc.array(fc.constant({ a: 1 }), { maxLength: 3 }),
);

function nestedObject(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** Bodies written as text: what JSON.stringify cannot produce (Infinity, prototype keys, deep nesting, not JSON). */
const RAW_BODIES = [
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"quantity":1e309,"usageId":"x","service":"chat-sessions","occurredAt":"2026-01-01T00:00:00Z"}',
  '{"records":[{"usageId":"a","service":"mailing-emails","quantity":1e308,"occurredAt":"2026-01-01T00:00:00Z"},{"usageId":"b","service":"mailing-emails","quantity":1e308,"occurredAt":"2026-01-01T00:00:00Z"}]}',
  '{"a":'.repeat(2000) + '1' + '}'.repeat(2000),
  '['.repeat(5000) + ']'.repeat(5000),
  'null',
  '[]',
  '"text"',
  '42',
  '',
  'not json',
  '{"a":1,"a":2}',
  '{"status":"\u0000"}',
];

/** A body: the route's own with one field changed, added or removed, or something else entirely. */
export function adversarialBody(template: Record<string, unknown> | undefined): fc.Arbitrary<unknown> {
  const base = template ?? {};
  const keys = Object.keys(base);
  const mutated =
    keys.length === 0
      ? fc.dictionary(nastyString, nastyValue, { maxKeys: 3 })
      : fc
          .tuple(fc.constantFrom(...keys), nastyValue, fc.constantFrom('set', 'add', 'delete'))
          .map(([key, value, how]) => {
            const copy: Record<string, unknown> = structuredClone(base);
            if (how === 'set') copy[key] = value;
            else if (how === 'add') copy[`${key}Extra`] = value;
            else delete copy[key];
            return copy;
          });
  const nestedField = fc.tuple(nastyValue).map(([value]) => ({ ...structuredClone(base), records: [value, value] }));
  return fc.oneof(
    { arbitrary: mutated, weight: 4 },
    { arbitrary: nestedField, weight: 1 },
    { arbitrary: fc.constant(base), weight: 1 },
    { arbitrary: fc.constantFrom(...RAW_BODIES), weight: 3 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 1 },
  );
}

/** A path parameter: plausible, hostile, or not even a valid percent-encoding. */
export function pathValue(name: string): fc.Arbitrary<string> {
  const plausible: Record<string, string[]> = {
    tenantId: [TENANT, 'Other1', 'a'.repeat(64), 'a'.repeat(65)],
    userId: ['u1', 'user@example.com', 'u'.repeat(128), 'u'.repeat(129), `u${'%40'.repeat(127)}`],
    module: ['user', 'sales-premium', 'web', 'nope'],
    month: ['2026-01', '2026-02', '9999-12', '0000-01', '1969-12', '2026-13', '9999-11'],
    eventKey: ['NoLogin', 'FreetextRebuild', 'LicensePackageActivated', 'licensepackageactivated'],
  };
  // Mostly plausible, so that a sample usually reaches the route and its body is judged too.
  return fc.oneof(
    { arbitrary: fc.constantFrom(...(plausible[name] ?? ['x'])), weight: 6 },
    { arbitrary: nastyString.map((value) => encodeURIComponent(value) || 'x'), weight: 2 },
    { arbitrary: fc.constantFrom('%ZZ', '%', '%00', '%2e%2e', '%C0%AF', 'x'.repeat(3000)), weight: 1 },
  );
}

/** A query string over the route's parameters and a stray one, with hostile values. */
export function adversarialQuery(names: string[], plausible = ''): fc.Arbitrary<string> {
  const name = fc.constantFrom(...names, 'minPosition', 'stray', '__proto__');
  const value = fc.oneof(
    nastyString,
    fc.constantFrom(
      '1',
      '3',
      '4',
      '0',
      '200',
      '201',
      '2026-01-01T00:00:00Z',
      'active',
      'SUPEROFFICE',
      'g1',
      '9999999999999999999',
      '18446744073709551616',
    ),
  );
  const hostile = fc
    .array(fc.tuple(name, value), { maxLength: 4 })
    .map((pairs) =>
      pairs.length === 0
        ? ''
        : `?${pairs.map(([key, v]) => `${encodeURIComponent(key)}=${encodeURIComponent(v)}`).join('&')}`,
    );
  return fc.oneof({ arbitrary: fc.constant(plausible), weight: 2 }, { arbitrary: hostile, weight: 1 });
}

/**
 * Headers a caller controls: the credential (absent: requestSender sends the test administrator's), idempotency and
 * correlation ids, the body's media type.
 */
export function adversarialHeaders(): fc.Arbitrary<Record<string, string>> {
  // Header values are Latin-1 without control characters (an HTTP client could not send others).
  const headerText = fc.oneof(
    fc.constantFrom('', 'x'.repeat(300), '3fa85f64-5717-4562-b3fc-2c963f66afa6', 'not-a-uuid', '__proto__'),
    fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 40 }),
  );
  return fc.record(
    {
      'idempotency-key': fc.oneof(fc.uuid(), headerText),
      'x-correlation-id': headerText,
      authorization: fc.oneof(
        fc.constantFrom(...Object.values(TEST_KEYS).map((key) => bearer(key))),
        fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', `Bearer ${'x'.repeat(5000)}`, 'bearer nope'),
        headerText.map((text) => `Bearer ${text}`),
      ),
      'content-type': fc.oneof(
        { arbitrary: fc.constant('application/json'), weight: 6 },
        {
          arbitrary: fc.constantFrom(
            'application/json; charset=utf-8',
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/json; charset=utf-16',
            'APPLICATION/JSON',
          ),
          weight: 1,
        },
      ),
    },
    { requiredKeys: [] },
  );
}
