import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, AppConfig, ConfigModule, scrubbingLogHooks } from '@app/config';
import { EventStoreModule } from '@app/event-store';
import { SystemNoticesModule } from '@app/application';
import { ProjectionRuntimeModule } from '@app/projections';
import { ReadModelsModule } from '@app/read-models';
import { AdminModule } from './admin/admin.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { BaselineController } from './baseline/baseline.controller';
import { ConsoleModule } from './console/console.module';
import { IdempotencyKeyInterceptor } from './common/idempotency-key.interceptor';
import { prettyWhenInteractive } from './common/quiet-startup-logger';
import { HealthController } from './health/health.controller';
import { LedgerModule } from './ledger/ledger.module';
import { MetricsModule } from './metrics/metrics.module';
import { MeteringModule } from './metering/metering.module';
import { ProjectionsModule } from './queries/projections.module';
import { ProblemDetailsFilter } from './problem/problem-details.filter';
import { ProblemsController } from './problem/problems.controller';
import { NoticePortsModule } from './system-events/notice-ports.module';
import { SystemEventsModule } from './system-events/system-events.module';

/** Request headers that carry credentials: never in a log line, whatever the level. */
export const REDACTED_HEADERS = ['authorization', 'cookie', 'x-api-key', 'proxy-authorization'].map(
  (name) => `req.headers["${name}"]`,
);

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
            // carries the request, redacted (issue 15: this was a visible share of the no-op route's profile).
            pinoHttp: {
              level: appConfig.log.level,
              redact: { paths: REDACTED_HEADERS, censor: '[redacted]' },
              quietReqLogger: true,
              ...scrubbingLogHooks(appConfig),
              ...prettyWhenInteractive(),
            },
            // Probes would drown the log; every other request is logged once.
            exclude: [{ method: RequestMethod.GET, path: 'health' }],
          }),
        }),
        AuthModule,
        EventStoreModule.forRoot(),
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
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyKeyInterceptor },
      ],
    };
  }
}
