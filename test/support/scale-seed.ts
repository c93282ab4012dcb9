import { LedgerEvent, LicensePackage, ledgerStream, MeteringEvent, meteringStream } from '@app/domain';
import type { EventStore } from '@app/event-store';
import { appendChained, backlogPackage, backlogRow } from './ledger-backlog';

/**
 * Big histories for the scale benchmarks and tests, written straight into the store (no HTTP, no decider, no
 * signatures) and hash-chained like the events DeciderRunner records: a tenant whose one license has many holders,
 * and a metering month that already holds many usage ids.
 */

export const SCALE_MODULE = 'bench-cal';

/** Numbers large enough that no seeded holding ever meets the cap. */
const UNCAPPED = 10_000_000;

export function scalePackage(tenantId: string): LicensePackage {
  return backlogPackage(tenantId, [
    backlogRow(SCALE_MODULE, { number: UNCAPPED }),
    backlogRow('user', { hidden: true, number: UNCAPPED }),
    backlogRow('sales-essential', { extraFlags: 1, extraInfo: 'set=user', number: UNCAPPED }),
  ]);
}

/** The seeds' events carry this metadata (not a real tenant or actor: nothing decided them). */
const SEED_METADATA = { tenant: 'seed', actor: 'seed' };

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
  return appendChained(store, ledgerStream(tenantId), batches(), SEED_METADATA);
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
  return appendChained(store, meteringStream(tenantId, month), batches(), SEED_METADATA);
}
