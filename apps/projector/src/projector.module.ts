import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { SystemNoticesModule } from '@app/application';
import { APP_CONFIG, AppConfig, ConfigModule, scrubbingLogHooks } from '@app/config';
import { EventStoreModule } from '@app/event-store';
import { ProjectionRuntimeModule } from '@app/projections';
import { ReadModelsModule } from '@app/read-models';
import { NoticePortsModule } from '../../api/src/system-events/notice-ports.module';

export interface ProjectorOptions {
  /** Told when a projection, or a notice process manager, fails and stops. */
  onFailure(kind: 'projections' | 'processManagers', error: unknown): void;
}

/** The projector: the stores, the projection runtime and the notice process managers, always running — no HTTP API. */
@Module({})
export class ProjectorModule {
  static forRoot(config: AppConfig, options: ProjectorOptions): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (appConfig: AppConfig) => ({
            pinoHttp: { level: appConfig.log.level, ...scrubbingLogHooks(appConfig) },
          }),
        }),
        EventStoreModule.forRoot(),
        ReadModelsModule.forRoot(),
        ProjectionRuntimeModule.forRoot({
          run: 'always',
          onFailure: (error) => options.onFailure('projections', error),
        }),
        // The backend's own notices follow the log beside the projections.
        SystemNoticesModule.forRoot({
          run: 'always',
          ports: NoticePortsModule,
          onFailure: (error) => options.onFailure('processManagers', error),
        }),
      ],
    };
  }
}
