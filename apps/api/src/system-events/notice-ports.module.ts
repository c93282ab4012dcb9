import { Module } from '@nestjs/common';
import {
  CHECKPOINT_STORE,
  LICENSE_DATES_PROGRESS,
  LICENSE_DATES_SOURCE,
  type LicenseDatesProgress,
} from '@app/application';
import {
  licenseDatesProjection,
  PROJECTION_POSITIONS,
  type ProjectionPositions,
  SystemEventsQueries,
} from '@app/projections';
import { READ_MODEL_STORE, type ReadModelStore } from '@app/read-models';

/** The system-events feed and license-date queries (the read models of the notices). */
export const SYSTEM_EVENTS_QUERIES = Symbol('SYSTEM_EVENTS_QUERIES');

/**
 * The composition root's side of SystemNoticesModule (libs/application): its ports bound to the read-model store
 * and the projections, for the API and the projector alike. The process managers' checkpoints are the read-model
 * store's, under names no projection uses; the package dates are the `license-dates` projection's.
 */
@Module({
  providers: [
    {
      provide: SYSTEM_EVENTS_QUERIES,
      useFactory: (readModels: ReadModelStore) => new SystemEventsQueries(readModels),
      inject: [READ_MODEL_STORE],
    },
    { provide: LICENSE_DATES_SOURCE, useExisting: SYSTEM_EVENTS_QUERIES },
    { provide: CHECKPOINT_STORE, useExisting: READ_MODEL_STORE },
    {
      provide: LICENSE_DATES_PROGRESS,
      useFactory: (positions: ProjectionPositions): LicenseDatesProgress => ({
        waitFor: (position, timeoutMs) => positions.waitFor([licenseDatesProjection.name], position, timeoutMs),
      }),
      inject: [PROJECTION_POSITIONS],
    },
  ],
  exports: [SYSTEM_EVENTS_QUERIES, LICENSE_DATES_SOURCE, CHECKPOINT_STORE, LICENSE_DATES_PROGRESS],
})
export class NoticePortsModule {}
