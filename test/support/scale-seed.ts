import { randomUUID } from 'node:crypto';
import { LedgerEvent, LicensePackage, ledgerStream, MeteringEvent, meteringStream, ModuleRow } from '@app/domain';
import { chainEvents } from '@app/application';
import type { EventStore, JsonObject, Revision } from '@app/event-store';

/**
 * Big histories for the scale benchmarks and tests, written straight into the store (no HTTP, no decider, no
 * signatures) and hash-chained like the events DeciderRunner records: a tenant whose one license has many holders,
 * and a metering month that already holds many usage ids.
 */

export const SCALE_MODULE = 'bench-cal';

function row(name: string, extra: Partial<ModuleRow> = {}): ModuleRow {
  return {
    name,
    description: name,
    tooltip: '',
    version: '1',
    type: 3,
    number: 10_000_000,
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

export function scalePackage(tenantId: string): LicensePackage {
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
      row(SCALE_MODULE),
      row('user', { hidden: true }),
      row('sales-essential', { extraFlags: 1, extraInfo: 'set=user' }),
    ],
    signature: 'x',
  };
}

async function appendChained(
  store: EventStore,
  stream: string,
  batches: Iterable<Array<{ type: string; data: object }>>,
): Promise<number> {
  let expected: Revision | 'no_stream' = 'no_stream';
  let lastHash: string | null = null;
  let written = 0;
  for (const batch of batches) {
    const chained = chainEvents(
      stream,
      expected === 'no_stream' ? 0 : expected + 1,
      lastHash,
      batch.map((event) => ({
        id: randomUUID(),
        type: event.type,
        data: event.data as JsonObject,
        metadata: { tenant: 'seed', actor: 'seed' },
      })),
    );
    const result = await store.append(stream, chained.events, expected);
    expected = result.nextExpectedRevision;
    lastHash = chained.lastHash;
    written += batch.length;
  }
  return written;
}

/** A tenant with an active package whose license `SCALE_MODULE` is held by `holders` users (`seed-u0`…). */
export async function seedLicenseHolders(store: EventStore, tenantId: string, holders: number): Promise<number> {
  function* batches(): Generator<LedgerEvent[]> {
    yield [
      {
        type: 'LicensePackageActivated',
        data: {
          tenantId,
          package: scalePackage(tenantId),
          certificateFingerprint: null,
          activatedAt: '2026-01-01T00:00:00.000Z',
        },
      },
    ];
    for (let from = 0; from < holders; from += 1000) {
      const count = Math.min(1000, holders - from);
      yield Array.from({ length: count }, (_, i) => ({
        type: 'LicenseAssigned' as const,
        data: {
          owner: 'SUPEROFFICE',
          module: SCALE_MODULE,
          userId: `seed-u${from + i}`,
          source: 'explicit' as const,
          at: '2026-01-01T00:00:00.000Z',
        },
      }));
    }
  }
  return appendChained(store, ledgerStream(tenantId), batches());
}

/** A metering month with `ids` usage ids (`seed-<month>-0`…) counted, in events of `perEvent` records. */
export async function seedUsageIds(
  store: EventStore,
  tenantId: string,
  month: string,
  ids: number,
  perEvent = 1000,
): Promise<number> {
  const occurredAt = `${month}-02T00:00:00.000Z`;
  function* batches(): Generator<MeteringEvent[]> {
    for (let from = 0; from < ids; from += perEvent * 10) {
      const events: MeteringEvent[] = [];
      for (let start = from; start < Math.min(ids, from + perEvent * 10); start += perEvent) {
        const count = Math.min(perEvent, ids - start);
        const records = Array.from({ length: count }, (_, i) => ({
          usageId: `seed-${month}-${start + i}`,
          service: 'chat-sessions' as const,
          quantity: 1,
          occurredAt,
        }));
        events.push({ type: 'MeteredUsageRecorded', data: { tenantId, month, users: 0, records, at: occurredAt } });
      }
      yield events;
    }
  }
  return appendChained(store, meteringStream(tenantId, month), batches());
}
