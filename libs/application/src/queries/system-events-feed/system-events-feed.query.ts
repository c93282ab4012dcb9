import { Query } from '@nestjs/cqrs';
import type { SystemEventFeedPage, SystemEventStatus } from '@app/domain';
import type { Position } from '@app/event-store';

/** The status feed, newest first, a page at a time; null for a cursor this feed did not hand out. */
export class SystemEventsFeedQuery extends Query<SystemEventFeedPage | null> {
  constructor(
    readonly tenantId: string,
    readonly options: { status?: SystemEventStatus; limit: number; cursor?: string },
    readonly minPosition?: Position,
  ) {
    super();
  }
}
