import {
  decodeSystemEventsEvent,
  SYSTEM_EVENTS_EVENT_TYPES,
  SYSTEM_EVENTS_STREAM_PREFIX,
  SystemEventScope,
  SystemEventsEvent,
  SystemEventStatus,
} from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { decodedOnce } from '../decoded-once';
import type { BatchDocuments, Projection } from '../projection';

export const SYSTEM_EVENTS_FEED = 'system_events_feed';

/** One live system event, as the Status tab lists it. */
export interface SystemEventFeedDocument {
  [field: string]: unknown;
  tenant: string;
  /** The how-many-th system event of the tenant: fixed at its start, so the feed's order never shifts. */
  sequence: number;
  eventKey: string;
  scope: SystemEventScope;
  owner: string | null;
  status: SystemEventStatus;
  message: string;
  eta: string | null;
  activatedAt: string;
  activatedBy: string;
  finishedAt: string | null;
  updatedAt: string;
}

export const feedTenantOf = (event: RecordedEvent): string => event.stream.slice(SYSTEM_EVENTS_STREAM_PREFIX.length);

/** `tenant|0000000042`: one document per started event, even when its key comes back after a deletion. */
export const feedId = (tenant: string, sequence: number): string => `${tenant}|${String(sequence).padStart(10, '0')}`;

const asSystemEventsEvent: (event: RecordedEvent) => SystemEventsEvent = decodedOnce(decodeSystemEventsEvent);

/** The status feed: the live system events of each tenant. A deleted event leaves it. */
export const systemEventsFeedProjection: Projection = {
  name: 'system-events-feed',
  collections: {
    [SYSTEM_EVENTS_FEED]: [
      { name: 'by_tenant', fields: ['tenant', 'sequence'] },
      { name: 'by_tenant_status', fields: ['tenant', 'status', 'sequence'] },
      { name: 'by_tenant_key', fields: ['tenant', 'eventKey', 'scope', 'owner'] },
    ],
  },
  eventTypes: SYSTEM_EVENTS_EVENT_TYPES,

  documentsFor(recorded: RecordedEvent): Array<[string, string]> {
    return [[SYSTEM_EVENTS_FEED, feedId(feedTenantOf(recorded), asSystemEventsEvent(recorded).data.sequence)]];
  },

  apply(recorded: RecordedEvent, documents: BatchDocuments): void {
    const tenant = feedTenantOf(recorded);
    const event = asSystemEventsEvent(recorded);
    const id = feedId(tenant, event.data.sequence);
    switch (event.type) {
      case 'SystemEventStarted': {
        const { sequence, eventKey, scope, owner, status, message, eta, finishedAt, activatedAt, activatedBy } =
          event.data;
        documents.put(SYSTEM_EVENTS_FEED, id, {
          tenant,
          sequence,
          eventKey,
          scope,
          owner,
          status,
          message,
          eta,
          activatedAt,
          activatedBy,
          finishedAt,
          updatedAt: activatedAt,
        } satisfies SystemEventFeedDocument);
        return;
      }
      case 'SystemEventUpdated': {
        const document = documents.get<SystemEventFeedDocument>(SYSTEM_EVENTS_FEED, id);
        if (!document)
          throw new Error(
            `${recorded.stream}@${recorded.revision}: update of system event ${event.data.sequence}, which the feed does not hold`,
          );
        const { status, message, eta, finishedAt, updatedAt } = event.data;
        documents.put(SYSTEM_EVENTS_FEED, id, { ...document, status, message, eta, finishedAt, updatedAt });
        return;
      }
      case 'SystemEventDeleted':
        documents.remove(SYSTEM_EVENTS_FEED, id);
        return;
    }
  },
};
