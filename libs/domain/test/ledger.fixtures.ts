import type { CommandMetadata } from '../src/shared/decider';
import type { LedgerCommand } from '../src/ledger/ledger.decide';
import type { ActiveLedger, LedgerEvent, LedgerState } from '../src/ledger/ledger.events';
import type { LicensePackage, ModuleRow, PackageVerification } from '../src/ledger/license-package';

export const TENANT = 'Cust12345';
export const NOW = '2026-06-01T12:00:00.000Z';
export const meta = (now = NOW): CommandMetadata => ({ now, actor: 'test' });

export function row(name: string, overrides: Partial<ModuleRow> = {}): ModuleRow {
  return {
    name,
    description: name,
    tooltip: '',
    version: '1',
    type: 3,
    number: 10,
    unrestricted: false,
    hidden: false,
    extraFlags: 0,
    extraInfo: '',
    prerequisite: '',
    sortOrder: 0,
    signature: 'c2ln',
    ...overrides,
  };
}

/** SUPEROFFICE's sample package: users, web, a plan implying them and chat-cal, and two system licenses. */
export function aPackage(overrides: Partial<LicensePackage> = {}, modules?: ModuleRow[]): LicensePackage {
  return {
    format: 'license-package/v1',
    packageId: 'pkg-1',
    sequence: 1,
    issuedAt: '2026-01-01T00:00:00.000Z',
    tenantId: TENANT,
    owner: { name: 'SUPEROFFICE', description: 'SuperOffice', certificate: 'PEM' },
    licensee: { companyName: 'Acme', serialNumber: '1234567890', databaseType: 'Online' },
    dates: { expiration: null, graceTo: null, maintenanceTo: null, adminWarningDate: null, nextCheckDate: null },
    modules: modules ?? [
      row('user', { hidden: true, number: 20 }),
      row('web', { hidden: true, number: 20, prerequisite: 'user' }),
      row('chat-cal', { hidden: true, number: 3 }),
      row('sales-premium', { extraFlags: 1, extraInfo: 'set=user,web,chat-cal', number: 5 }),
      row('sales-essential', { extraFlags: 1, extraInfo: 'set=user,web', number: 5 }),
      row('saint', { number: 2 }),
      row('marketing', { number: 1, unrestricted: true }),
      row('chat', { type: 1, number: 1 }),
    ],
    signature: 'c2ln',
    ...overrides,
  };
}

export function validVerification(
  overrides: Partial<PackageVerification['certificate']> = {},
  owner = 'SUPEROFFICE',
): PackageVerification {
  return {
    packageSignatureValid: true,
    invalidRowSignatures: [],
    certificate: {
      readable: true,
      chainsToTrustedRoot: true,
      subjectCommonName: owner,
      notBefore: '2025-01-01T00:00:00.000Z',
      notAfter: '2030-01-01T00:00:00.000Z',
      fingerprint: 'ab12',
      ...overrides,
    },
  };
}

export const activate = (pkg = aPackage(), verification = validVerification(), now = NOW): LedgerCommand => ({
  type: 'ActivateLicensePackage',
  data: { tenantId: TENANT, package: pkg, verification },
  metadata: meta(now),
});

export const activated = (pkg = aPackage()): LedgerEvent => ({
  type: 'LicensePackageActivated',
  data: { tenantId: TENANT, package: pkg, certificateFingerprint: 'ab12', activatedAt: NOW },
});

export const assign = (userId: string, module: string, now = NOW, owner = 'SUPEROFFICE'): LedgerCommand => ({
  type: 'AssignLicense',
  data: { userId, owner, module },
  metadata: meta(now),
});

export const unassign = (userId: string, module: string, owner = 'SUPEROFFICE'): LedgerCommand => ({
  type: 'UnassignLicense',
  data: { userId, owner, module },
  metadata: meta(),
});

export const assigned = (
  userId: string,
  module: string,
  extra: { plan?: string; isPlan?: boolean } = {},
): LedgerEvent => ({
  type: 'LicenseAssigned',
  data: { owner: 'SUPEROFFICE', module, userId, source: extra.plan ? 'plan' : 'explicit', ...extra, at: NOW },
});

/** The events of assigning a plan to a user: the plan itself, then each license of its set. */
export const planAssigned = (userId: string, plan: string, implies: string[]): LedgerEvent[] => [
  assigned(userId, plan, { isPlan: true }),
  ...implies.map((module) => assigned(userId, module, { plan })),
];

/** The state of a history that activated a package: the active member of the union. */
export function active(state: LedgerState): ActiveLedger {
  if (state.status !== 'active') throw new Error(`expected an active ledger, got ${state.status}`);
  return state;
}
