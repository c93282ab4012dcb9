import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, AppConfig, ConfigModule } from '@app/config';
import { EventStoreModule } from '@app/event-store';
import { ProjectionRuntimeModule } from '@app/projections';
import { ReadModelsModule } from '@app/read-models';
import { HealthController } from './health/health.controller';
import { LedgerModule } from './ledger/ledger.module';
import { ProjectionsModule } from './queries/projections.module';
import { ProblemDetailsFilter } from './problem/problem-details.filter';

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
            pinoHttp: { level: appConfig.log.level, redact: ['req.headers.authorization'] },
            // Probes would drown the log; every other request is logged once.
            exclude: [{ method: RequestMethod.GET, path: 'health' }],
          }),
        }),
        EventStoreModule.forRoot(),
        ReadModelsModule.forRoot(),
        ProjectionRuntimeModule.forRoot({ run: 'as-configured' }),
        CqrsModule.forRoot(),
        LedgerModule,
        ProjectionsModule,
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
