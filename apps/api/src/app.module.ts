import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AppConfig, ConfigModule } from '@app/config';
import { EventStoreModule } from '@app/event-store';
import { SystemNoticesModule } from '@app/application';
import { ProjectionRuntimeModule } from '@app/projections';
import { ReadModelsModule } from '@app/read-models';
import { AdminModule } from './admin/admin.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { BaselineController } from './baseline/baseline.controller';
import { ConsoleModule } from './console/console.module';
import { CommandSenderModule } from './common/command-sender';
import { RequestLogModule } from './common/request-log';
import { HealthController } from './health/health.controller';
import { LedgerModule } from './ledger/ledger.module';
import { MetricsModule } from './metrics/metrics.module';
import { MeteringModule } from './metering/metering.module';
import { ProjectionsModule } from './queries/projections.module';
import { ProblemDetailsFilter } from './problem/problem-details.filter';
import { ProblemsController } from './problem/problems.controller';
import { NoticePortsModule } from './system-events/notice-ports.module';
import { SystemEventsModule } from './system-events/system-events.module';

@Module({})
export class AppModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        RequestLogModule,
        AuthModule,
        EventStoreModule.forRoot(),
        CommandSenderModule,
        ReadModelsModule.forRoot(),
        ProjectionRuntimeModule.forRoot({ run: 'as-configured' }),
        SystemNoticesModule.forRoot({ run: 'as-configured', ports: NoticePortsModule }),
        CqrsModule.forRoot(),
        LedgerModule,
        MeteringModule,
        ProjectionsModule,
        AuditModule,
        AdminModule,
        SystemEventsModule,
        ConsoleModule,
        MetricsModule,
      ],
      controllers: [HealthController, ProblemsController, ...(config?.http.baselineRoute ? [BaselineController] : [])],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
