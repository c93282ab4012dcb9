import type { OwnerLicenseDates, SystemEventFeedItem, SystemEventFeedPage, SystemEventStatus } from '@app/domain';
import { type FindResult, InvalidCursorError, type ReadModelStore } from '@app/read-models';
import { LICENSE_DATES, LicenseDatesDocument } from './license-dates.projection';
import { SYSTEM_EVENTS_FEED, SystemEventFeedDocument } from './system-events-feed.projection';

export type { SystemEventFeedItem, SystemEventFeedPage } from '@app/domain';

export interface LicenseDatesPage {
  items: OwnerLicenseDates[];
  nextCursor: string | null;
}

export class SystemEventsQueries {
  constructor(private readonly readModels: ReadModelStore) {}

  /**
   * Newest first. Pages continue after the last row of the previous one in (sequence, id) order, and sequences only
   * grow: events started meanwhile land before the first page, never inside a later one. Null when `cursor` is not
   * one this feed handed out.
   */
  async feed(
    tenant: string,
    options: { status?: SystemEventStatus; limit: number; cursor?: string },
  ): Promise<SystemEventFeedPage | null> {
    let found: FindResult<SystemEventFeedDocument>;
    try {
      found = await this.readModels.find<SystemEventFeedDocument>(SYSTEM_EVENTS_FEED, {
        filter: options.status ? { tenant, status: options.status } : { tenant },
        sort: [['sequence', -1]],
        limit: options.limit,
        cursor: options.cursor,
      });
    } catch (error) {
      if (error instanceof InvalidCursorError) return null;
      throw error;
    }
    return { items: found.items.map(feedItem), nextCursor: found.nextCursor ?? null };
  }

  /** The live event with this (eventKey, scope, owner), or null: the key is unique among live events. */
  async live(
    tenant: string,
    key: { eventKey: string; scope: number; owner: string | null },
  ): Promise<SystemEventFeedItem | null> {
    const { items } = await this.readModels.find<SystemEventFeedDocument>(SYSTEM_EVENTS_FEED, {
      filter: { tenant, eventKey: key.eventKey, scope: key.scope, owner: key.owner },
      limit: 1,
    });
    return items.length === 0 ? null : feedItem(items[0]);
  }

  /** Every owner's active package dates, all tenants, a page at a time. */
  async licenseDates(options: { limit: number; cursor?: string }): Promise<LicenseDatesPage> {
    const { items, nextCursor } = await this.readModels.find<LicenseDatesDocument>(LICENSE_DATES, {
      limit: options.limit,
      cursor: options.cursor,
    });
    return {
      items: items.map(({ tenant, owner, packageId, expiration, graceTo, adminWarningDate }) => ({
        tenant,
        owner,
        packageId,
        expiration,
        graceTo,
        adminWarningDate,
      })),
      nextCursor: nextCursor ?? null,
    };
  }
}

function feedItem(document: SystemEventFeedDocument): SystemEventFeedItem {
  return {
    eventKey: document.eventKey,
    status: document.status,
    message: document.message,
    activatedAt: document.activatedAt,
    activatedBy: document.activatedBy,
    finishedAt: document.finishedAt,
    scope: document.scope,
    owner: document.owner,
    eta: document.eta,
    updatedAt: document.updatedAt,
    sequence: document.sequence,
  };
}
