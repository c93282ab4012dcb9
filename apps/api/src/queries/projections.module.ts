import { Module } from '@nestjs/common';
import { LedgerQueries } from '@app/projections';
import { READ_MODEL_STORE, ReadModelStore } from '@app/read-models';
import { LedgerQueriesController } from './ledger-queries.controller';
import { LEDGER_QUERIES } from './projections.tokens';

/**
 * The query side of the API: controllers over the read models. Projecting itself is wired once, for the API and
 * the projector alike, by ProjectionRuntimeModule (libs/projections) from ALL_PROJECTIONS.
 */
@Module({
  controllers: [LedgerQueriesController],
  providers: [{ provide: LEDGER_QUERIES, useFactory: (readModels: ReadModelStore) => new LedgerQueries(readModels), inject: [READ_MODEL_STORE] }],
})
export class ProjectionsModule {}
