import { BeforeApplicationShutdown, Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { ALL_PROJECTIONS, LedgerQueries, ProjectionEngine } from '@app/projections';
import { READ_MODEL_STORE, ReadModelStore, SqliteReadModelStore } from '@app/read-models';
import { LedgerQueriesController } from './ledger-queries.controller';
import { LEDGER_QUERIES, PROJECTION_ENGINE } from './projections.tokens';

@Module({
  controllers: [LedgerQueriesController],
  providers: [
    {
      provide: READ_MODEL_STORE,
      useFactory: (config: AppConfig) => new SqliteReadModelStore({ file: config.readModels.sqlite.file }),
      inject: [APP_CONFIG],
    },
    {
      provide: PROJECTION_ENGINE,
      useFactory: (events: EventStore, readModels: ReadModelStore, config: AppConfig) => {
        const logger = new Logger('Projections');
        return new ProjectionEngine(events, readModels, ALL_PROJECTIONS, {
          batchSize: config.projections.batchSize,
          onError: (error) => logger.error({ err: error }, 'a projection failed; projections stopped'),
        });
      },
      inject: [EVENT_STORE, READ_MODEL_STORE, APP_CONFIG],
    },
    { provide: LEDGER_QUERIES, useFactory: (readModels: ReadModelStore) => new LedgerQueries(readModels), inject: [READ_MODEL_STORE] },
  ],
  exports: [READ_MODEL_STORE, PROJECTION_ENGINE],
})
export class ProjectionsModule implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(PROJECTION_ENGINE) private readonly engine: ProjectionEngine,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** In embedded mode the API projects in-process, from each projection's stored checkpoint. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.projections.runInApi) await this.engine.start();
  }

  /** Stop projecting before the stores close underneath. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.engine.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.readModels.close();
  }
}
