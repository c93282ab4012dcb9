import { z } from 'zod';
import { eventCodec, StoredEvent } from '../shared/event-codec';
import { instant } from '../shared/event-schemas';
import { METERED_SERVICES } from './metered-services';
import type { MeteringEvent } from './metering.events';

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

/** A stored event of a metering stream as the domain event it records; throws naming the stream and revision. */
export const decodeMeteringEvent = (stored: StoredEvent): MeteringEvent => meteringEventCodec.decode(stored);
