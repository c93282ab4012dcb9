import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import {
  CLOCK,
  DeleteSystemEventHandler,
  StartSystemEventHandler,
  systemClock,
  UpdateSystemEventHandler,
} from '@app/application';
import { SystemEventsFeedController } from './http/system-events-feed.controller';
import { SystemEventsController } from './http/system-events.controller';

/**
 * The status feed over HTTP: commands and the feed query. The system-events runner, the feed queries and the
 * backend's notices come from SystemNoticesModule (libs/application), wired once for the API and the projector.
 */
@Module({
  imports: [CqrsModule],
  controllers: [SystemEventsController, SystemEventsFeedController],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    StartSystemEventHandler,
    UpdateSystemEventHandler,
    DeleteSystemEventHandler,
  ],
})
export class SystemEventsModule {}
