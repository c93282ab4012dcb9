import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { SystemEventFeedPage } from '@app/domain';
import { EVENT_STORE, EventStore, Position } from '@app/event-store';
import type { ProcessManagerRuntime } from '../../process-managers/process-manager-runtime';
import { SYSTEM_EVENTS_READ_MODEL, SystemEventsReadModel } from '../../ports/read-model.ports';
import { NOTICE_RUNTIME } from '../../system-events/system-notices.module';
import { NoticesFailedError, ReadModelBehindError } from '../read-model.errors';
import { ReadYourWrites } from '../read-your-writes';
import { SystemEventsFeedQuery } from './system-events-feed.query';

@QueryHandler(SystemEventsFeedQuery)
export class SystemEventsFeedHandler implements IQueryHandler<SystemEventsFeedQuery, SystemEventFeedPage | null> {
  constructor(
    @Inject(SYSTEM_EVENTS_READ_MODEL) private readonly readModel: SystemEventsReadModel,
    @Inject(NOTICE_RUNTIME) private readonly notices: ProcessManagerRuntime,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ tenantId, options, minPosition }: SystemEventsFeedQuery): Promise<SystemEventFeedPage | null> {
    await this.awaitFeed(minPosition);
    return this.readModel.feed(tenantId, options);
  }

  /**
   * Read-your-writes, notices included: first until the notices (here, or in the projector) have handled the events
   * up to the position, then until the feed has caught up with what they appended (the store's head by then).
   */
  private async awaitFeed(position: Position | undefined): Promise<void> {
    if (position === undefined || position === 0n) return;
    const timeoutMs = this.readYourWrites.timeoutMs;
    if (!(await this.notices.waitFor(position, timeoutMs))) {
      if (this.notices.failed) throw new NoticesFailedError();
      throw new ReadModelBehindError('notices', position, timeoutMs);
    }
    const head = await this.events.headPosition();
    const target = head !== null && head > position ? head : position;
    await this.readYourWrites.reach(['system-events-feed'], target);
  }
}
