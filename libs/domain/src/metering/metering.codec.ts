import { z } from 'zod';
import { eventCodec, StoredEvent } from '../shared/event-codec';
import { instant, isCanonicalInstant } from '../shared/event-schemas';
import { isMeteredService, METERED_SERVICES } from './metered-services';
import type { MeteringEvent } from './metering.events';
import type { UsageRecord } from './usage-record';

/** The metering events as stored (`metering-{tenant}-{yyyy-mm}`), version 1 of each type. */

const service = z.enum(METERED_SERVICES);
const usageRecord = z.object({ usageId: z.string(), service, quantity: z.number(), occurredAt: z.string() });
const adjustment = z.object({
  service,
  total: z.number(),
  threshold: z.number(),
  overage: z.number(),
  accounted: z.number(),
});
const invoiceLine = z.object({
  service,
  unit: z.string(),
  total: z.number(),
  threshold: z.number(),
  overage: z.number(),
  adjusts: z.string().optional(),
});
// The stream's own key: an event without it could not be filed under its month.
const tenantId = z.string().min(1);

export const meteringEventCodec = eventCodec<MeteringEvent>({
  MeteredUsageRecorded: {
    schema: z.object({ tenantId, month: z.string(), users: z.number(), records: z.array(usageRecord), at: instant }),
    accepts: isRecordedUsage,
  },
  LateUsageRecorded: {
    schema: z.object({
      tenantId,
      month: z.string(),
      adjusts: z.string(),
      records: z.array(usageRecord),
      adjustments: z.array(adjustment),
      at: instant,
    }),
  },
  MeteringThresholdExceeded: {
    schema: z.object({
      tenantId,
      month: z.string(),
      service,
      total: z.number(),
      threshold: z.number(),
      users: z.number(),
      at: instant,
    }),
  },
  MeteringMonthClosed: {
    schema: z.object({
      tenantId,
      month: z.string(),
      users: z.number(),
      lines: z.array(invoiceLine),
      closedAt: instant,
    }),
  },
});

type RecordedUsage = Extract<MeteringEvent, { type: 'MeteredUsageRecorded' }>['data'];

/**
 * MeteredUsageRecorded data that the schema would take as it is: exactly its five members, every record exactly
 * its four, each of the schema's types (finite numbers, as z.number() wants; `at` in the deciders' own form, other
 * instants are left to the schema). A batch's event is then decoded without a copy of its 1,000 records.
 */
function isRecordedUsage(data: unknown): data is RecordedUsage {
  if (!isObjectOf(data, 5)) return false;
  const { tenantId, month, users, records, at } = data as Partial<Record<keyof RecordedUsage, unknown>>;
  if (typeof tenantId !== 'string' || tenantId.length === 0 || typeof month !== 'string') return false;
  if (typeof users !== 'number' || !Number.isFinite(users) || typeof at !== 'string' || !isCanonicalInstant(at))
    return false;
  if (!Array.isArray(records)) return false;
  for (let index = 0; index < records.length; index++) {
    const record: unknown = records[index];
    if (!isObjectOf(record, 4)) return false;
    const { usageId, service, quantity, occurredAt } = record as Partial<Record<keyof UsageRecord, unknown>>;
    if (typeof usageId !== 'string' || !isMeteredService(service) || typeof occurredAt !== 'string') return false;
    if (typeof quantity !== 'number' || !Number.isFinite(quantity)) return false;
  }
  return true;
}

/** A non-array object with exactly `members` enumerable members (those a schema reads, checked by the caller). */
function isObjectOf(value: unknown, members: number): value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  let count = 0;
  for (const _ in value) count++;
  return count === members;
}

/** A stored event of a metering stream as the domain event it records; throws naming the stream and revision. */
export const decodeMeteringEvent = (stored: StoredEvent): MeteringEvent => meteringEventCodec.decode(stored);
