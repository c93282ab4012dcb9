import { DynamicModule, Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { openReadModelStore } from './read-model-store.factory';
import { READ_MODEL_STORE, ReadModelStore } from './read-model-store.port';

/** The configured read-model store for the API and the projector; closed after everything else has stopped. */
@Global()
@Module({})
export class ReadModelsModule implements OnApplicationShutdown {
  private readonly logger = new Logger(ReadModelsModule.name);

  constructor(@Inject(READ_MODEL_STORE) private readonly store: ReadModelStore) {}

  static forRoot(): DynamicModule {
    return {
      module: ReadModelsModule,
      providers: [
        {
          provide: READ_MODEL_STORE,
          useFactory: (config: AppConfig) => {
            const logger = new Logger('ReadModels');
            return openReadModelStore(config, { warn: (message) => logger.warn(message) });
          },
          inject: [APP_CONFIG],
        },
      ],
      exports: [READ_MODEL_STORE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    this.logger.log('read models closed');
  }
}
