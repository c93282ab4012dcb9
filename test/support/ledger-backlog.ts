import { randomUUID } from 'node:crypto';
import {
  CommandMetadata,
  isRefusal,
  ledger,
  LedgerCommand,
  LedgerEvent,
  LicensePackage,
  ledgerStream,
  ModuleRow,
  PackageVerification,
} from '@app/domain';
import { chainEvents } from '@app/application';
import type { EventStore, Revision } from '@app/event-store';

const verification: PackageVerification = {
  packageSignatureValid: true,
  invalidRowSignatures: [],
  certificate: {
    readable: true,
    chainsToTrustedRoot: true,
    subjectCommonName: 'SUPEROFFICE',
    notBefore: null,
    notAfter: null,
    fingerprint: 'backlog',
  },
};

function row(name: string, extra: Partial<ModuleRow> = {}): ModuleRow {
  return {
    name,
    description: name,
    tooltip: '',
    version: '1',
    type: 3,
    number: 100_000,
    unrestricted: false,
    hidden: false,
    extraFlags: 0,
    extraInfo: '',
    prerequisite: '',
    sortOrder: 0,
    signature: 'x',
    ...extra,
  };
}

function samplePackage(tenantId: string): LicensePackage {
  return {
    format: 'license-package/v1',
    packageId: randomUUID(),
    sequence: 1,
    issuedAt: '2026-01-01T00:00:00.000Z',
    tenantId,
    owner: { name: 'SUPEROFFICE', description: 'SuperOffice', certificate: 'PEM' },
    licensee: { companyName: `${tenantId} AS`, serialNumber: '4020000000', databaseType: 'Online' },
    dates: { expiration: null, graceTo: null, maintenanceTo: null, adminWarningDate: null, nextCheckDate: null },
    modules: [
      row('user', { hidden: true }),
      row('web', { hidden: true, prerequisite: 'user' }),
      row('chat-cal', { hidden: true }),
      row('sales-premium', { extraFlags: 1, extraInfo: 'set=user,web,chat-cal' }),
      row('sales-essential', { extraFlags: 1, extraInfo: 'set=user,web' }),
      row('saint', { number: 500 }),
      row('marketing'),
      row('chat', { type: 1, number: 1 }),
    ],
    signature: 'x',
  };
}

/**
 * Writes a realistic ledger history straight through the decider (no HTTP, no signatures): per tenant a package,
 * then plan assignments and switches, single licenses, releases and deactivations, appended in large batches and
 * hash-chained like the events DeciderRunner records.
 * Returns the number of events written.
 */
export async function writeLedgerBacklog(
  store: EventStore,
  options: { tenants: number; commandsPerTenant: number; seed?: number },
): Promise<number> {
  let seed = options.seed ?? 1;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let written = 0;
  for (let t = 0; t < options.tenants; t++) {
    const tenant = `Tenant${t}`;
    let state = ledger.initialState();
    let pending: LedgerEvent[] = [];
    let expected: Revision | 'no_stream' = 'no_stream';
    let lastHash: string | null = null;
    const metadata = (): CommandMetadata => ({ now: '2026-06-01T00:00:00.000Z', actor: 'backlog' });
    const flush = async () => {
      if (pending.length === 0) return;
      const stream = ledgerStream(tenant);
      const chained = chainEvents(
        stream,
        expected === 'no_stream' ? 0 : expected + 1,
        lastHash,
        pending.map((event) => ({
          id: randomUUID(),
          type: event.type,
          data: event.data as never,
          metadata: { tenant, actor: 'backlog' },
        })),
      );
      const result = await store.append(stream, chained.events, expected);
      expected = result.nextExpectedRevision;
      lastHash = chained.lastHash;
      written += pending.length;
      pending = [];
    };
    const run = (command: LedgerCommand) => {
      const outcome = ledger.decide(command, state);
      if (isRefusal(outcome)) return;
      for (const event of outcome) state = ledger.evolve(state, event);
      pending.push(...outcome);
    };
    run({
      type: 'ActivateLicensePackage',
      data: { tenantId: tenant, package: samplePackage(tenant), verification },
      metadata: metadata(),
    });
    const modules = ['sales-premium', 'sales-essential', 'saint', 'marketing', 'user'];
    for (let i = 0; i < options.commandsPerTenant; i++) {
      const userId = `user${rand(2000)}`;
      const dice = rand(100);
      if (dice < 60)
        run({
          type: 'AssignLicense',
          data: { userId, owner: 'SUPEROFFICE', module: modules[rand(modules.length)] },
          metadata: metadata(),
        });
      else if (dice < 85)
        run({
          type: 'UnassignLicense',
          data: { userId, owner: 'SUPEROFFICE', module: modules[rand(modules.length)] },
          metadata: metadata(),
        });
      else if (dice < 93) run({ type: 'DeactivateUser', data: { userId }, metadata: metadata() });
      else run({ type: 'ReactivateUser', data: { userId }, metadata: metadata() });
      if (pending.length >= 1000) await flush();
    }
    await flush();
  }
  return written;
}
