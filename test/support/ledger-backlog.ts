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
import type { EventMetadata, EventStore, JsonObject, Revision } from '@app/event-store';

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

/** A module row of a backlog package (unsigned: the backlog bypasses verification); a user license by default. */
export function backlogRow(name: string, extra: Partial<ModuleRow> = {}): ModuleRow {
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

/** An unsigned package of the SUPEROFFICE owner with these rows. */
export function backlogPackage(tenantId: string, modules: ModuleRow[]): LicensePackage {
  return {
    format: 'license-package/v1',
    packageId: randomUUID(),
    sequence: 1,
    issuedAt: '2026-01-01T00:00:00.000Z',
    tenantId,
    owner: { name: 'SUPEROFFICE', description: 'SuperOffice', certificate: 'PEM' },
    licensee: { companyName: `${tenantId} AS`, serialNumber: '4020000000', databaseType: 'Online' },
    dates: { expiration: null, graceTo: null, maintenanceTo: null, adminWarningDate: null, nextCheckDate: null },
    modules,
    signature: 'x',
  };
}

function samplePackage(tenantId: string): LicensePackage {
  return backlogPackage(tenantId, [
    backlogRow('user', { hidden: true }),
    backlogRow('web', { hidden: true, prerequisite: 'user' }),
    backlogRow('chat-cal', { hidden: true }),
    backlogRow('sales-premium', { extraFlags: 1, extraInfo: 'set=user,web,chat-cal' }),
    backlogRow('sales-essential', { extraFlags: 1, extraInfo: 'set=user,web' }),
    backlogRow('saint', { number: 500 }),
    backlogRow('marketing'),
    backlogRow('chat', { type: 1, number: 1 }),
  ]);
}

/**
 * Appends batches of events to a new stream, hash-chained like the events DeciderRunner records; answers how many
 * it wrote. The one writer of every backlog and seed (ledger-backlog.ts, scale-seed.ts).
 */
export async function appendChained(
  store: EventStore,
  stream: string,
  batches: Iterable<Array<{ type: string; data: object }>>,
  metadata: EventMetadata,
): Promise<number> {
  let expected: Revision | 'no_stream' = 'no_stream';
  let lastHash: string | null = null;
  let written = 0;
  for (const batch of batches) {
    const chained = chainEvents(
      stream,
      expected === 'no_stream' ? 0 : expected + 1,
      lastHash,
      batch.map((event) => ({ id: randomUUID(), type: event.type, data: event.data as JsonObject, metadata })),
    );
    const result = await store.append(stream, chained.events, expected);
    expected = result.nextExpectedRevision;
    lastHash = chained.lastHash;
    written += batch.length;
  }
  return written;
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
    const batches = tenantHistory(tenant, options.commandsPerTenant, rand);
    written += await appendChained(store, ledgerStream(tenant), batches, { tenant, actor: 'backlog' });
  }
  return written;
}

/** One tenant's commands decided in turn, their events in batches of about 1,000. */
function* tenantHistory(tenant: string, commands: number, rand: (n: number) => number): Generator<LedgerEvent[]> {
  let state = ledger.initialState();
  let pending: LedgerEvent[] = [];
  const metadata = (): CommandMetadata => ({ now: '2026-06-01T00:00:00.000Z', actor: 'backlog' });
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
  for (let i = 0; i < commands; i++) {
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
    if (pending.length >= 1000) {
      yield pending;
      pending = [];
    }
  }
  if (pending.length > 0) yield pending;
}
