import { randomUUID } from 'node:crypto';
import {
  METERED_SERVICES,
  MeteringCommand,
  MeteringEvent,
  MeteringFacts,
  MeteringRefusal,
  MeteringState,
  meteringStream,
  MeteringThresholds,
  usageOutcome,
  UsageRecord,
} from '@app/domain';
import type { CommandEnvelope, DeciderRunner } from '../../src';

/** What the runner specs share to run metering commands: facts with thresholds never reached, records, a run. */

export type MeteringRunner = DeciderRunner<MeteringCommand, MeteringEvent, MeteringState, MeteringRefusal>;

const THRESHOLDS = Object.fromEntries(
  METERED_SERVICES.map((service) => [service, { base: 1_000_000, perUser: 0 }]),
) as MeteringThresholds;

export const meteringFacts: MeteringFacts = {
  now: '2026-05-20T00:00:00.000Z',
  actor: 't',
  activeUsers: 0,
  thresholds: THRESHOLDS,
  tenantSince: '2026-01-01T00:00:00.000Z',
};

/** One chat-sessions record of May 2026 per usage id. */
export const usageRecords = (usageIds: string[]): UsageRecord[] =>
  usageIds.map((usageId) => ({
    usageId,
    service: 'chat-sessions',
    quantity: 1,
    occurredAt: '2026-05-10T00:00:00.000Z',
  }));

export const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

export const testEnvelope = (commandId: string = randomUUID()): CommandEnvelope => ({
  commandId,
  correlationId: 'c',
  actor: 't',
  tenant: 'T',
});

/** Records `records` as the tenant's May 2026 usage, on that month's stream unless another is named. */
export function recordUsage(
  runner: MeteringRunner,
  records: UsageRecord[],
  options: { tenant?: string; stream?: string; commandId?: string; freshId?: true } = {},
) {
  const tenant = options.tenant ?? 'T';
  return runner.run(
    options.stream ?? meteringStream(tenant, '2026-05'),
    { type: 'RecordMeteredUsage', data: { tenantId: tenant, month: '2026-05', records }, metadata: meteringFacts },
    { ...testEnvelope(options.commandId), freshId: options.freshId },
    (_, events) => usageOutcome(records, events),
  );
}
