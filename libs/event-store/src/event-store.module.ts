import { DynamicModule, Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EVENT_STORE, EventStore } from './event-store.port';
import { createSnapshotStore, openEventStore } from './event-store.factory';
import { SNAPSHOT_STORE, SnapshotStore } from './snapshot-store.port';

@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  private readonly logger = new Logger(EventStoreModule.name);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SNAPSHOT_STORE) private readonly snapshots: SnapshotStore | null,
  ) {}

  static forRoot(): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        {
          provide: EVENT_STORE,
          useFactory: (config: AppConfig) => {
            const logger = new Logger('EventStore');
            return openEventStore(config, {
              onSubscriptionDropped: (error, failures, delayMs) =>
                logger.warn(
                  { err: error },
                  `subscription to $all dropped (${failures} in a row); resubscribing in ${delayMs} ms`,
                ),
            });
          },
          inject: [APP_CONFIG],
        },
        {
          provide: SNAPSHOT_STORE,
          useFactory: (config: AppConfig) => createSnapshotStore(config),
          inject: [APP_CONFIG],
        },
      ],
      exports: [EVENT_STORE, SNAPSHOT_STORE],
    };
  }

  /** Runs after the HTTP server has stopped taking requests, so no accepted append is cut off. */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    await this.snapshots?.close();
    this.logger.log('event store closed');
  }
}
