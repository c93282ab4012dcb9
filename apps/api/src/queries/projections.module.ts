import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ConsoleQueries, LedgerQueries, MeteringQueries } from '@app/projections';
import { READ_MODEL_STORE, ReadModelStore } from '@app/read-models';
import { CLOCK, systemClock } from '@app/application';
import { LedgerQueriesController } from './ledger-queries.controller';
import { TenantsController } from './tenants.controller';
import { CONSOLE_QUERIES, LEDGER_QUERIES, METERING_QUERIES } from './projections.tokens';

/**
 * The query side of the API: controllers over the read models. Projecting itself is wired once, for the API and
 * the projector alike, by ProjectionRuntimeModule (libs/projections) from ALL_PROJECTIONS.
 */
@Module({
  controllers: [LedgerQueriesController, TenantsController],
  providers: [
    {
      provide: LEDGER_QUERIES,
      useFactory: (readModels: ReadModelStore) => new LedgerQueries(readModels),
      inject: [READ_MODEL_STORE],
    },
    {
      provide: METERING_QUERIES,
      useFactory: (readModels: ReadModelStore, config: AppConfig) =>
        new MeteringQueries(readModels, config.metering.thresholds),
      inject: [READ_MODEL_STORE, APP_CONFIG],
    },
    {
      provide: CONSOLE_QUERIES,
      useFactory: (readModels: ReadModelStore) => new ConsoleQueries(readModels),
      inject: [READ_MODEL_STORE],
    },
    { provide: CLOCK, useValue: systemClock },
  ],
  exports: [METERING_QUERIES, CONSOLE_QUERIES],
})
export class ProjectionsModule {}
