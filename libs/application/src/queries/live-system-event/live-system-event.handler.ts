import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { SystemEventFeedItem } from '@app/domain';
import { SYSTEM_EVENTS_READ_MODEL, SystemEventsReadModel } from '../../ports/read-model.ports';
import { ReadYourWrites } from '../read-your-writes';
import { LiveSystemEventQuery } from './live-system-event.query';

@QueryHandler(LiveSystemEventQuery)
export class LiveSystemEventHandler implements IQueryHandler<LiveSystemEventQuery, SystemEventFeedItem | null> {
  constructor(
    @Inject(SYSTEM_EVENTS_READ_MODEL) private readonly readModel: SystemEventsReadModel,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ tenantId, key, minPosition }: LiveSystemEventQuery): Promise<SystemEventFeedItem | null> {
    await this.readYourWrites.reach(['system-events-feed'], minPosition);
    return this.readModel.live(tenantId, key);
  }
}
