import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { createApp } from '../src/create-app';
import { Issuer, makeIssuer, packageDescription, unsignedRow } from '../../../test/support/signed-packages';
import { testConfig } from '../../../test/support/test-config';
import { bearer, KEYED_TENANT, TEST_KEYS } from '../../../test/support/test-credentials';
import { makeTokenIssuer, TestTokenIssuer } from '../../../test/support/test-tokens';

/**
 * DESIGN.md §6 over a real port: every /v1 route × every kind of caller → the status the role table gives. The
 * expected statuses are written out here, row by row; they are not computed from the code's permission table.
 */
const T = KEYED_TENANT;
const OTHER = 'Other';

interface Column {
  label: string;
  tenant: string;
  authorization: () => Promise<string | null>;
}

let tokens: TestTokenIssuer;
const key = (name: keyof typeof TEST_KEYS) => async () => bearer(TEST_KEYS[name]);
const token =
  (claims: Record<string, string>, times = {}, algorithm: 'RS256' | 'ES256' = 'RS256') =>
  async () =>
    `Bearer ${await tokens.sign(claims, times, algorithm)}`;
const ADMIN_ALL = { sub: 'carol@idp', licensing_role: 'admin', licensing_tenant: '*' };

// prettier-ignore
const COLUMNS: Column[] = [
  /*  0 */ { label: 'no credential', tenant: T, authorization: async () => null },
  /*  1 */ { label: 'unknown key', tenant: T, authorization: async () => `Bearer ${randomUUID()}${randomUUID()}` },
  /*  2 */ { label: 'not a Bearer credential', tenant: T, authorization: async () => `Basic ${Buffer.from(`x:${TEST_KEYS.admin.secret}`).toString('base64')}` },
  /*  3 */ { label: 'admin, own tenant', tenant: T, authorization: key('tenantAdmin') },
  /*  4 */ { label: 'service, own tenant', tenant: T, authorization: key('service') },
  /*  5 */ { label: 'reader, own tenant', tenant: T, authorization: key('reader') },
  /*  6 */ { label: 'auditor, own tenant', tenant: T, authorization: key('auditor') },
  /*  7 */ { label: 'service (development-form key), own tenant', tenant: T, authorization: key('developmentService') },
  /*  8 */ { label: 'admin, another tenant', tenant: OTHER, authorization: key('tenantAdmin') },
  /*  9 */ { label: 'service, another tenant', tenant: OTHER, authorization: key('service') },
  /* 10 */ { label: 'reader, another tenant', tenant: OTHER, authorization: key('reader') },
  /* 11 */ { label: 'auditor, another tenant', tenant: OTHER, authorization: key('auditor') },
  /* 12 */ { label: 'admin *', tenant: T, authorization: key('admin') },
  /* 13 */ { label: 'auditor *, another tenant', tenant: OTHER, authorization: key('allAuditor') },
  /* 14 */ { label: 'service *, another tenant', tenant: OTHER, authorization: key('allService') },
  /* 15 */ { label: 'ES256 token: reader, own tenant', tenant: T, authorization: token({ sub: 'dave@idp', licensing_role: 'reader', licensing_tenant: T }, {}, 'ES256') },
  /* 16 */ { label: 'RS256 token: admin, another tenant', tenant: OTHER, authorization: token({ sub: 'erin@idp', licensing_role: 'admin', licensing_tenant: T }) },
  /* 17 */ { label: 'RS256 token: admin *', tenant: T, authorization: token(ADMIN_ALL) },
  /* 18 */ { label: 'expired token', tenant: T, authorization: token(ADMIN_ALL, { expiresIn: -120 }) },
  /* 19 */ { label: 'token of a wrong issuer', tenant: T, authorization: token(ADMIN_ALL, { issuer: 'https://evil.example' }) },
  /* 20 */ { label: 'token for a wrong audience', tenant: T, authorization: token(ADMIN_ALL, { audience: 'another-api' }) },
  /* 21 */ { label: 'HMAC-signed token', tenant: T, authorization: async () => `Bearer ${await tokens.hmac(ADMIN_ALL)}` },
  /* 22 */ { label: 'alg none token', tenant: T, authorization: async () => `Bearer ${tokens.unsigned(ADMIN_ALL)}` },
];

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
interface Route {
  method: Method;
  /** Under /v1/tenants/{the column's tenant}, or the whole path when `acrossTenants`. */
  path: (context: RouteContext) => string;
  acrossTenants?: true;
  body?: (context: RouteContext) => unknown;
  expected: number[];
}
interface RouteContext {
  tenant: string;
  n: number;
  issuer: Issuer;
  setupPosition: string;
  /** The request is expected to succeed (a package to activate must then be new). */
  fresh: boolean;
}

const sequences = new Map<string, number>();
const signed = new Map<string, unknown>();
/** A package newer than the tenant's active one. Signing is slow, so only a request that should succeed gets a fresh one. */
const nextPackage = ({ tenant, issuer, fresh }: RouteContext) => {
  if (!fresh && signed.has(tenant)) return signed.get(tenant);
  const sequence = (sequences.get(tenant) ?? 0) + 1;
  sequences.set(tenant, sequence);
  const pkg = issuer.sign(packageDescription(tenant, { sequence, modules: [unsignedRow('user', { number: 1000 })] }));
  signed.set(tenant, pkg);
  return pkg;
};
const month = (n: number) =>
  `20${String(10 + Math.floor(n / 12)).padStart(2, '0')}-${String((n % 12) + 1).padStart(2, '0')}`;
const wait = (c: RouteContext) => `minPosition=${c.setupPosition}`;

// prettier-ignore
const ROUTES: Route[] = [
  //                                                                                       no  unk bas | adm srv rdr aud dev | other tenant    | *adm *aud *srv| tok tok tok | exp iss aud hmac none
  { method: 'POST', path: () => '/license-packages/validate', body: (c) => nextPackage({ ...c, fresh: false }), expected: [401, 401, 401, 200, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403, 200, 401, 401, 401, 401, 401] },
  { method: 'POST', path: () => '/license-packages', body: nextPackage, expected:          [401, 401, 401, 201, 403, 403, 403, 403, 403, 403, 403, 403, 201, 403, 403, 403, 403, 201, 401, 401, 401, 401, 401] },
  { method: 'POST', path: (c) => `/users/u${c.n}/licenses`, body: () => ({ module: 'user' }), expected: [401, 401, 401, 201, 201, 403, 403, 201, 403, 403, 403, 403, 201, 403, 201, 403, 403, 201, 401, 401, 401, 401, 401] },
  { method: 'DELETE', path: (c) => `/users/u${c.n}/licenses/user`, expected:               [401, 401, 401, 404, 404, 403, 403, 404, 403, 403, 403, 403, 404, 403, 404, 403, 403, 404, 401, 401, 401, 401, 401] },
  { method: 'POST', path: (c) => `/users/d${c.n}/deactivate`, expected:                    [401, 401, 401, 200, 200, 403, 403, 200, 403, 403, 403, 403, 200, 403, 200, 403, 403, 200, 401, 401, 401, 401, 401] },
  { method: 'POST', path: (c) => `/users/d${c.n}/reactivate`, expected:                    [401, 401, 401, 200, 200, 403, 403, 200, 403, 403, 403, 403, 200, 403, 200, 403, 403, 200, 401, 401, 401, 401, 401] },
  { method: 'POST', path: () => '/metered-usage', body: () => ({ usageId: randomUUID(), service: 'mailing-emails', quantity: 3, occurredAt: new Date().toISOString() }),
    expected:                                                                              [401, 401, 401, 202, 202, 403, 403, 202, 403, 403, 403, 403, 202, 403, 202, 403, 403, 202, 401, 401, 401, 401, 401] },
  { method: 'POST', path: (c) => `/metering/${month(c.n)}/close`, expected:                [401, 401, 401, 200, 200, 403, 403, 200, 403, 403, 403, 403, 200, 403, 200, 403, 403, 200, 401, 401, 401, 401, 401] },
  { method: 'POST', path: () => '/system-events', body: (c) => ({ eventKey: `Job${c.n}`, scope: 1 }),
    expected:                                                                              [401, 401, 401, 201, 201, 403, 403, 201, 403, 403, 403, 403, 201, 403, 201, 403, 403, 201, 401, 401, 401, 401, 401] },
  { method: 'PATCH', path: () => '/system-events/Missing?scope=1', body: () => ({ status: 'running' }),
    expected:                                                                              [401, 401, 401, 404, 404, 403, 403, 404, 403, 403, 403, 403, 404, 403, 404, 403, 403, 404, 401, 401, 401, 401, 401] },
  { method: 'DELETE', path: () => '/system-events/Missing?scope=1', expected:              [401, 401, 401, 404, 404, 403, 403, 404, 403, 403, 403, 403, 404, 403, 404, 403, 403, 404, 401, 401, 401, 401, 401] },
  { method: 'GET', path: (c) => `/licenses?${wait(c)}`, expected:                          [401, 401, 401, 200, 200, 200, 200, 200, 403, 403, 403, 403, 200, 200, 200, 200, 403, 200, 401, 401, 401, 401, 401] },
  { method: 'GET', path: (c) => `/licenses/user/holders?${wait(c)}`, expected:             [401, 401, 401, 200, 200, 200, 200, 200, 403, 403, 403, 403, 200, 200, 200, 200, 403, 200, 401, 401, 401, 401, 401] },
  { method: 'GET', path: (c) => `/users/u1/licenses?${wait(c)}`, expected:                 [401, 401, 401, 200, 200, 200, 200, 200, 403, 403, 403, 403, 200, 200, 200, 200, 403, 200, 401, 401, 401, 401, 401] },
  { method: 'GET', path: (c) => `/status?${wait(c)}`, expected:                            [401, 401, 401, 200, 200, 200, 200, 200, 403, 403, 403, 403, 200, 200, 200, 200, 403, 200, 401, 401, 401, 401, 401] },
  // The feed's minPosition also waits on the notices, which are off here; the feed answers as it stands.
  { method: 'GET', path: () => '/system-events', expected:                                  [401, 401, 401, 200, 200, 200, 200, 200, 403, 403, 403, 403, 200, 200, 200, 200, 403, 200, 401, 401, 401, 401, 401] },
  { method: 'GET', path: (c) => `/metering/2026-01?${wait(c)}`, expected:                  [401, 401, 401, 200, 200, 200, 200, 200, 403, 403, 403, 403, 200, 200, 200, 200, 403, 200, 401, 401, 401, 401, 401] },
  { method: 'GET', path: () => '/events', expected:                                         [401, 401, 401, 200, 403, 403, 200, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 200, 401, 401, 401, 401, 401] },
  { method: 'GET', path: () => `/licenses?asOf=${encodeURIComponent(new Date().toISOString())}`,
    expected:                                                                              [401, 401, 401, 200, 403, 403, 200, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 200, 401, 401, 401, 401, 401] },
  { method: 'GET', path: (c) => `/v1/tenants?${wait(c)}`, acrossTenants: true, expected:   [401, 401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 200, 401, 401, 401, 401, 401] },
  { method: 'GET', path: () => '/audit/verify', expected:                                   [401, 401, 401, 200, 403, 403, 200, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 200, 401, 401, 401, 401, 401] },
];

describe('access control over a real port (DESIGN.md §6)', () => {
  let issuer: Issuer;
  let config: AppConfig;
  let app: NestFastifyApplication;
  let store: EventStore;
  let url: string;
  let setupPosition = '0';

  beforeAll(async () => {
    issuer = makeIssuer();
    tokens = await makeTokenIssuer();
    // The backend's own notices are asynchronous appends: off, so that the store's head moves only by requests.
    config = testConfig({
      LICENSING_TRUSTED_ROOTS: issuer.rootFile,
      LICENSING_PROCESS_MANAGERS_IN_API: 'false',
      LICENSING_SQLITE_SYNCHRONOUS: 'NORMAL',
      ...tokens.env,
    });
    app = await createApp(config);
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
    store = app.get(EVENT_STORE);
    for (const tenant of [T, OTHER]) {
      const activated = await call(
        'POST',
        `/v1/tenants/${tenant}/license-packages`,
        bearer(),
        nextPackage({ tenant, n: 0, issuer, setupPosition, fresh: true }),
      );
      expect(activated.status).toBe(201);
      setupPosition = activated.body.position;
      // A month is the tenant's to close only if it ended after the tenant's first package or counted usage (issue
      // 13, item 6): the tenants start today, so each past month a close request names gets one usage record.
      const thisMonth = new Date().toISOString().slice(0, 7);
      const months = [
        ...new Set(Array.from({ length: ROUTES.length * COLUMNS.length }, (_, i) => month(i + 1))),
      ].filter((m) => m < thisMonth);
      const records = months.map((m) => ({
        usageId: `setup-${m}`,
        service: 'chat-sessions',
        quantity: 1,
        occurredAt: `${m}-15T12:00:00Z`,
      }));
      const recorded = await call('POST', `/v1/tenants/${tenant}/metered-usage`, bearer(), { records });
      expect(recorded.status).toBe(202);
      setupPosition = recorded.body.position;
    }
  }, 120_000);

  afterAll(async () => {
    await app.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  }, 120_000);

  async function call(method: Method, path: string, authorization: string | null, body?: unknown) {
    const headers: Record<string, string> = {
      ...(authorization === null ? {} : { authorization }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    const response = await fetch(`${url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
  }

  it('answers every route × credential with the status of the role table; refusals are problem+json and write nothing', async () => {
    expect(ROUTES).toHaveLength(21);
    const mismatches: string[] = [];
    let n = 0;
    for (const route of ROUTES) {
      expect(route.expected).toHaveLength(COLUMNS.length);
      for (const [index, column] of COLUMNS.entries()) {
        const context = { tenant: column.tenant, n: ++n, issuer, setupPosition, fresh: route.expected[index] < 400 };
        const path = route.acrossTenants ? route.path(context) : `/v1/tenants/${column.tenant}${route.path(context)}`;
        const before = await store.headPosition();
        const response = await call(route.method, path, await column.authorization(), route.body?.(context));
        const expected = route.expected[index];
        const where = `${route.method} ${path} with ${column.label}`;
        if (response.status !== expected)
          mismatches.push(
            `${where}: ${response.status} (expected ${expected}) ${JSON.stringify(response.body).slice(0, 160)}`,
          );
        if (response.status === 401 || response.status === 403) {
          if (!response.headers.get('content-type')?.startsWith('application/problem+json'))
            mismatches.push(`${where}: not problem+json`);
          const type = response.status === 401 ? '/problems/unauthenticated' : '/problems/forbidden';
          if (response.body.type !== type) mismatches.push(`${where}: type ${response.body.type}`);
          if (response.status === 401 && response.headers.get('www-authenticate')?.startsWith('Bearer') !== true)
            mismatches.push(`${where}: no WWW-Authenticate: Bearer`);
          if ((await store.headPosition()) !== before) mismatches.push(`${where}: the store's last position moved`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  }, 600_000);

  it('names the actor of each command in the history by key name or token sub, and holds no secret', async () => {
    const response = await call('GET', `/v1/tenants/${T}/events?limit=1000`, bearer(TEST_KEYS.allAuditor));
    expect(response.status).toBe(200);
    const items = response.body.items as Array<{
      type: string;
      data: Record<string, unknown>;
      metadata: { actor: string };
    }>;
    expect(new Set(items.map((item) => item.metadata.actor))).toEqual(
      new Set([
        TEST_KEYS.admin.name,
        TEST_KEYS.tenantAdmin.name,
        TEST_KEYS.service.name,
        TEST_KEYS.developmentService.name,
        'carol@idp',
      ]),
    );
    expect(TEST_KEYS.developmentService.name).toMatch(/^key-[0-9a-f]{8}$/);
    // A system event a caller starts shows that caller as "activated by".
    const started = items.filter((item) => item.type === 'SystemEventStarted');
    expect(
      started.map((item) => [item.data.activatedBy, item.metadata.actor]).every(([by, actor]) => by === actor),
    ).toBe(true);
    expect(started.map((item) => item.data.activatedBy)).toEqual(expect.arrayContaining(['billing', 'carol@idp']));
    const text = JSON.stringify(response.body);
    for (const secret of Object.values(TEST_KEYS).map((each) => each.secret)) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/Bearer|eyJ[A-Za-z0-9_-]{10,}\./);
  });

  it('lists the tenants across tenants for an auditor of every tenant', async () => {
    const response = await call(
      'GET',
      `/v1/tenants?minPosition=${setupPosition}&limit=1`,
      bearer(TEST_KEYS.allAuditor),
    );
    expect(response.status).toBe(200);
    // With the console's columns from the tenant directory.
    const licensee = {
      companyName: expect.any(String),
      serialNumber: expect.any(String),
      lastActivityAt: expect.any(String),
      lastPosition: expect.any(String),
    };
    expect(response.body).toEqual({
      items: [{ tenantId: T, owners: ['SUPEROFFICE'], planHolders: 0, ...licensee }],
      nextCursor: expect.any(String),
    });
    const next = await call(
      'GET',
      `/v1/tenants?limit=1&cursor=${encodeURIComponent(response.body.nextCursor)}`,
      bearer(TEST_KEYS.allAuditor),
    );
    expect(next.body.items).toEqual([{ tenantId: OTHER, owners: ['SUPEROFFICE'], planHolders: 0, ...licensee }]);
    expect((await call('GET', '/v1/tenants?cursor=nonsense', bearer(TEST_KEYS.allAuditor))).status).toBe(400);
  });
});
