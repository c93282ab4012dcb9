import { Module } from '@nestjs/common';
import { ConsoleQueries } from '@app/projections';
import { READ_MODEL_STORE, ReadModelStore } from '@app/read-models';
import { ProjectionsModule } from '../queries/projections.module';
import { CONSOLE_QUERIES } from './console.tokens';
import { PositionsController } from './http/positions.controller';
import { SessionController } from './http/session.controller';
import { TenantConsoleController } from './http/tenant-console.controller';
import { TenantsController } from './http/tenants.controller';

/** The routes the console needs beyond the contract's queries: tenants, packages, metering months, one system event, live positions, the session. */
@Module({
  imports: [ProjectionsModule],
  controllers: [TenantsController, TenantConsoleController, PositionsController, SessionController],
  providers: [{ provide: CONSOLE_QUERIES, useFactory: (readModels: ReadModelStore) => new ConsoleQueries(readModels), inject: [READ_MODEL_STORE] }],
})
export class ConsoleModule {}
