import { LICENSE_PACKAGE_FORMAT, PackageDates, ExtraFlags, LicenseType } from '@app/domain/ledger/license-package';
import type { PackageDescription, UnsignedModuleRow } from '@app/signing';
import { MODULE_NAME_PATTERN, OWNER_NAME_RULE, TENANT_ID_PATTERN } from '@app/domain/shared/identifiers';
import { OWNER_NAME } from './cli-options';

/**
 * Reads the issuer's description of a package (the package without signatures and without the owner
 * certificate) and names every field that is wrong. Only what DESIGN.md leaves to the issuer gets a default:
 * the format, a new packageId, and issuedAt = now.
 */
export class DescriptionError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

export interface DescriptionDefaults {
  now: Date;
  newPackageId: () => string;
}

const TOP_LEVEL = ['format', 'packageId', 'sequence', 'issuedAt', 'tenantId', 'owner', 'licensee', 'dates', 'modules'];
const DATE_FIELDS: Array<keyof PackageDates> = [
  'expiration',
  'graceTo',
  'maintenanceTo',
  'adminWarningDate',
  'nextCheckDate',
];
const ROW_FIELDS: Array<keyof UnsignedModuleRow> = [
  'name',
  'description',
  'tooltip',
  'version',
  'type',
  'number',
  'unrestricted',
  'hidden',
  'extraFlags',
  'extraInfo',
  'prerequisite',
  'sortOrder',
];
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

type Json = Record<string, unknown>;

export function parsePackageDescription(value: unknown, defaults: DescriptionDefaults): PackageDescription {
  const problems: string[] = [];
  const field = new Fields(problems);
  if (!isObject(value)) throw new DescriptionError(['the description must be a JSON object']);
  if ('signature' in value) problems.push('signature: leave it out; sign-package adds it');
  field.unknown(value, TOP_LEVEL, '', ['signature']);

  if (value.format !== undefined && value.format !== LICENSE_PACKAGE_FORMAT)
    problems.push(`format: must be ${LICENSE_PACKAGE_FORMAT} (or left out)`);
  const packageId =
    value.packageId === undefined ? defaults.newPackageId() : field.text(value, 'packageId', '', { nonEmpty: true });
  const sequence = field.integer(value, 'sequence', '', 1);
  const issuedAt = value.issuedAt === undefined ? defaults.now.toISOString() : field.time(value, 'issuedAt', '');
  const tenantId = field.text(value, 'tenantId', '', { nonEmpty: true });
  if (tenantId !== '' && !TENANT_ID_PATTERN.test(tenantId))
    problems.push(`tenantId: must match ${TENANT_ID_PATTERN.source}, not '${tenantId}'`);

  const owner = field.object(value, 'owner', '');
  const ownerName = field.text(owner, 'name', 'owner.', { nonEmpty: true });
  if (ownerName !== '' && !OWNER_NAME.test(ownerName)) {
    problems.push(`owner.name: ${OWNER_NAME_RULE}, not '${ownerName}'`);
  }
  const ownerDescription = field.text(owner, 'description', 'owner.');
  if (owner && 'certificate' in owner)
    problems.push('owner.certificate: leave it out; sign-package takes it from --owner-cert');
  field.unknown(owner, ['name', 'description'], 'owner.', ['certificate']);

  const licensee = field.object(value, 'licensee', '');
  const companyName = field.text(licensee, 'companyName', 'licensee.', { nonEmpty: true });
  const serialNumber = field.text(licensee, 'serialNumber', 'licensee.', { nonEmpty: true });
  const databaseType = field.text(licensee, 'databaseType', 'licensee.');
  field.unknown(licensee, ['companyName', 'serialNumber', 'databaseType'], 'licensee.');

  const datesObject = field.object(value, 'dates', '');
  // In the order of DATE_FIELDS, so that the problems are listed in that order.
  const date = (name: keyof PackageDates) => field.timeOrNull(datesObject, name, 'dates.');
  const dates: PackageDates = {
    expiration: date('expiration'),
    graceTo: date('graceTo'),
    maintenanceTo: date('maintenanceTo'),
    adminWarningDate: date('adminWarningDate'),
    nextCheckDate: date('nextCheckDate'),
  };
  field.unknown(datesObject, DATE_FIELDS, 'dates.');

  let modules: unknown[] = [];
  if (Array.isArray(value.modules)) modules = value.modules;
  else problems.push(`modules: ${value.modules === undefined ? 'required, ' : ''}must be an array of module rows`);
  const rows = modules.map((row, index) => parseRow(row, `modules[${index}].`, field, problems));
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    if (row.name && !MODULE_NAME_PATTERN.test(row.name))
      problems.push(`modules[${index}].name: must match ${MODULE_NAME_PATTERN.source}, not '${row.name}'`);
    if (row.name && seen.has(row.name)) problems.push(`modules[${index}].name: '${row.name}' appears more than once`);
    seen.add(row.name);
  });

  const description: PackageDescription = {
    format: LICENSE_PACKAGE_FORMAT,
    packageId,
    sequence,
    issuedAt,
    tenantId,
    owner: { name: ownerName, description: ownerDescription },
    licensee: { companyName, serialNumber, databaseType },
    dates,
    modules: rows,
  };
  if (problems.length > 0) throw new DescriptionError(problems);
  return description;
}

function parseRow(value: unknown, at: string, field: Fields, problems: string[]): UnsignedModuleRow {
  if (!isObject(value)) {
    problems.push(`${at.slice(0, -1)}: must be an object`);
    return {} as UnsignedModuleRow;
  }
  if ('signature' in value) problems.push(`${at}signature: leave it out; sign-package signs every row`);
  field.unknown(value, ROW_FIELDS, at, ['signature']);
  return {
    name: field.text(value, 'name', at, { nonEmpty: true }),
    description: field.text(value, 'description', at),
    tooltip: field.text(value, 'tooltip', at),
    version: field.text(value, 'version', at),
    type: field.oneOf(value, 'type', at, [1, 2, 3], '1 (system), 2 (site) or 3 (user)') as LicenseType,
    number: field.integer(value, 'number', at, 1),
    unrestricted: field.boolean(value, 'unrestricted', at),
    hidden: field.boolean(value, 'hidden', at),
    extraFlags: field.oneOf(
      value,
      'extraFlags',
      at,
      [0, 1, 2],
      '0 (normal), 1 (user plan) or 2 (site-level marker)',
    ) as ExtraFlags,
    extraInfo: field.text(value, 'extraInfo', at),
    prerequisite: field.text(value, 'prerequisite', at),
    sortOrder: field.integer(value, 'sortOrder', at, Number.MIN_SAFE_INTEGER),
  };
}

/** Each reader records a problem and answers a placeholder, so one pass names every wrong field. */
class Fields {
  constructor(private readonly problems: string[]) {}

  /** Answers undefined for a missing object; readers of its fields then stay quiet rather than repeat the problem. */
  object(parent: Json | undefined, name: string, at: string): Json | undefined {
    const value = parent?.[name];
    if (isObject(value)) return value;
    this.wrong(at, name, value, 'an object', { quoteValue: false });
    return undefined;
  }

  text(parent: Json | undefined, name: string, at: string, options: { nonEmpty?: boolean } = {}): string {
    if (!parent) return '';
    const value = parent[name];
    if (typeof value === 'string' && (!options.nonEmpty || value.trim() !== '')) return value;
    this.wrong(at, name, value, options.nonEmpty ? 'a non-empty string' : 'a string', { quoteValue: false });
    return '';
  }

  integer(parent: Json | undefined, name: string, at: string, min: number): number {
    if (!parent) return 0;
    const value = parent[name];
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return value;
    this.wrong(at, name, value, min === 1 ? 'a positive whole number' : 'a whole number');
    return 0;
  }

  boolean(parent: Json | undefined, name: string, at: string): boolean {
    if (!parent) return false;
    const value = parent[name];
    if (typeof value === 'boolean') return value;
    this.wrong(at, name, value, 'true or false', { quoteValue: false });
    return false;
  }

  oneOf(parent: Json | undefined, name: string, at: string, allowed: number[], meaning: string): number {
    if (!parent) return allowed[0];
    const value = parent[name];
    if (typeof value === 'number' && allowed.includes(value)) return value;
    this.wrong(at, name, value, meaning);
    return allowed[0];
  }

  /** Only called for a field that is present: an absent issuedAt gets its default instead. */
  time(parent: Json, name: string, at: string): string {
    const value = parent[name];
    if (isIsoTime(value)) return value;
    this.wrong(at, name, value, 'an ISO-8601 time such as 2026-03-01T12:00:00Z');
    return '';
  }

  timeOrNull(parent: Json | undefined, name: string, at: string): string | null {
    if (!parent) return null;
    const value = parent[name];
    if (value === null || isIsoTime(value)) return value;
    this.wrong(at, name, value, 'an ISO-8601 time or null (none)');
    return null;
  }

  unknown(value: Json | undefined, known: readonly string[], at: string, reported: readonly string[] = []): void {
    for (const name of Object.keys(value ?? {})) {
      if (!known.includes(name) && !reported.includes(name)) this.problems.push(`${at}${name}: unknown field`);
    }
  }

  private wrong(at: string, name: string, value: unknown, expected: string, options = { quoteValue: true }): void {
    const missing = value === undefined;
    const actual = missing || !options.quoteValue ? '' : `, not ${JSON.stringify(value)}`;
    this.problems.push(`${at}${name}: ${missing ? 'required, ' : ''}must be ${expected}${actual}`);
  }
}

function isIsoTime(value: unknown): value is string {
  return typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
