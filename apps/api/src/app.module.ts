import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, AppConfig, ConfigModule } from '@app/config';
import { EventStoreModule } from '@app/event-store';
import { SystemNoticesModule } from '@app/application';
import { ProjectionRuntimeModule } from '@app/projections';
import { ReadModelsModule } from '@app/read-models';
import { AuditModule } from './audit/audit.module';
import { BaselineController } from './baseline/baseline.controller';
import { HealthController } from './health/health.controller';
import { LedgerModule } from './ledger/ledger.module';
import { MeteringModule } from './metering/metering.module';
import { ProjectionsModule } from './queries/projections.module';
import { ProblemDetailsFilter } from './problem/problem-details.filter';
import { SystemEventsModule } from './system-events/system-events.module';

@Module({})
export class AppModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (appConfig: AppConfig) => ({
            // quietReqLogger: a request's logger binds only its id, instead of serializing (and redacting) the whole
            // request for every request whether anything is logged or not; the "request completed" line still
            // carries the request (issue 15: this was a visible share of the no-op route's profile).
            pinoHttp: { level: appConfig.log.level, redact: ['req.headers.authorization'], quietReqLogger: true },
            // Probes would drown the log; every other request is logged once.
            exclude: [{ method: RequestMethod.GET, path: 'health' }],
          }),
        }),
        EventStoreModule.forRoot(),
        ReadModelsModule.forRoot(),
        ProjectionRuntimeModule.forRoot({ run: 'as-configured' }),
        SystemNoticesModule.forRoot({ run: 'as-configured' }),
        CqrsModule.forRoot(),
        LedgerModule,
        MeteringModule,
        ProjectionsModule,
        AuditModule,
        SystemEventsModule,
      ],
      controllers: [HealthController, ...(config?.http.baselineRoute ? [BaselineController] : [])],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
