import { Module } from '@nestjs/common';
import { PositionsController } from './http/positions.controller';
import { SessionController } from './http/session.controller';
import { TenantConsoleController } from './http/tenant-console.controller';

/** The routes the console needs beyond the contract's queries: packages, metering months, one system event, live positions, the session. */
@Module({
  controllers: [TenantConsoleController, PositionsController, SessionController],
})
export class ConsoleModule {}
