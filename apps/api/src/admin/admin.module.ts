import { Module } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { PROJECTION_RUNTIME, ProjectionRuntime } from '@app/projections';
import { READ_MODEL_STORE, ReadModelStore } from '@app/read-models';
import { AdminProjectionsController, ONLINE_REBUILDS } from './admin-projections.controller';
import { OnlineRebuilds } from './online-rebuilds';

/** Operating the running service: online projection rebuilds. */
@Module({
  controllers: [AdminProjectionsController],
  providers: [
    {
      provide: ONLINE_REBUILDS,
      useFactory: (runtime: ProjectionRuntime, events: EventStore, readModels: ReadModelStore) =>
        new OnlineRebuilds(runtime, events, readModels),
      inject: [PROJECTION_RUNTIME, EVENT_STORE, READ_MODEL_STORE],
    },
  ],
})
export class AdminModule {}
