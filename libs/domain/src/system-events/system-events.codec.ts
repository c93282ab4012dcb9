import { z } from 'zod';
import { eventCodec, StoredEvent } from '../shared/event-codec';
import { instant } from '../shared/event-schemas';
import { SYSTEM_EVENT_STATUSES } from './system-event-keys';
import type { SystemEventsEvent } from './system-events.events';

/** The system events as stored (`systemevents-{tenant}`), version 1 of each type. */

const key = { eventKey: z.string(), scope: z.literal([1, 2, 3, 4]), owner: z.string().nullable() };
// eta (and finishedAt, which may be the eta) is the caller's ISO-8601 text, kept as given.
const details = {
  status: z.enum(SYSTEM_EVENT_STATUSES),
  message: z.string(),
  eta: z.string().nullable(),
  finishedAt: z.string().nullable(),
};
const notice = z.object({ kind: z.string(), cause: z.string() });

export const systemEventsEventCodec = eventCodec<SystemEventsEvent>({
  SystemEventStarted: {
    schema: z.object({
      ...key,
      ...details,
      sequence: z.number(),
      activatedAt: instant,
      activatedBy: z.string(),
      notice: notice.optional(),
    }),
  },
  SystemEventUpdated: {
    schema: z.object({
      ...key,
      ...details,
      sequence: z.number(),
      updatedAt: instant,
      updatedBy: z.string(),
      notice: notice.optional(),
    }),
  },
  SystemEventDeleted: { schema: z.object({ ...key, sequence: z.number(), deletedAt: instant, deletedBy: z.string() }) },
});

/** A stored event of a system-events stream as the domain event it records; throws naming the stream and revision. */
export const decodeSystemEventsEvent = (stored: StoredEvent): SystemEventsEvent =>
  systemEventsEventCodec.decode(stored);
