import { Query } from '@nestjs/cqrs';
import type { SystemEventFeedItem, SystemEventKey } from '@app/domain';
import type { Position } from '@app/event-store';

/** The live system event with this (eventKey, scope, owner), as the feed shows it; null when none is live. */
export class LiveSystemEventQuery extends Query<SystemEventFeedItem | null> {
  constructor(
    readonly tenantId: string,
    readonly key: SystemEventKey,
    readonly minPosition?: Position,
  ) {
    super();
  }
}
