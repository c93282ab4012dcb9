import { BeforeApplicationShutdown, Inject, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import {
  DeciderRunner,
  LicenseDateCheck,
  ProcessManagerRuntime,
  ScheduledTask,
  SystemEventsRunner,
  systemNoticeProcessManagers,
} from '@app/application';
import { APP_CONFIG, AppConfig } from '@app/config';
import { systemEvents } from '@app/domain';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { licenseDatesProjection, ProjectionEngine, SystemEventsQueries } from '@app/projections';
import { READ_MODEL_STORE, ReadModelStore } from '@app/read-models';
import { CLOCK, Clock, systemClock } from '../common/clock';
import { ProjectionsModule } from '../queries/projections.module';
import { PROJECTION_ENGINE } from '../queries/projections.tokens';
import { DeleteSystemEventHandler, StartSystemEventHandler, UpdateSystemEventHandler } from './commands/system-event.handler';
import { SystemEventsFeedController } from './http/system-events-feed.controller';
import { SystemEventsController } from './http/system-events.controller';
import { LICENSE_DATE_CHECK, LICENSE_DATE_SCHEDULE, NOTICE_RUNTIME, SYSTEM_EVENTS_QUERIES, SYSTEM_EVENTS_RUNNER } from './system-events.tokens';

/** How long the first license-date check at start waits for the package dates to be projected. */
const READY_WITHIN_MS = 60_000;

/**
 * The status feed: commands, the feed query, and (in embedded mode) the backend's notices: the process managers on
 * their own checkpoints and the scheduled license-date check.
 */
@Module({
  imports: [CqrsModule, ProjectionsModule],
  controllers: [SystemEventsController, SystemEventsFeedController],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    { provide: SYSTEM_EVENTS_RUNNER, useFactory: (store: EventStore): SystemEventsRunner => new DeciderRunner(store, systemEvents), inject: [EVENT_STORE] },
    { provide: SYSTEM_EVENTS_QUERIES, useFactory: (readModels: ReadModelStore) => new SystemEventsQueries(readModels), inject: [READ_MODEL_STORE] },
    {
      provide: NOTICE_RUNTIME,
      useFactory: (events: EventStore, readModels: ReadModelStore, runner: SystemEventsRunner) => {
        const logger = new Logger('Notices');
        return new ProcessManagerRuntime(events, readModels, systemNoticeProcessManagers(runner), {
          onError: (error, manager) => logger.error({ err: error, manager }, 'a notice process manager failed and stopped'),
        });
      },
      inject: [EVENT_STORE, READ_MODEL_STORE, SYSTEM_EVENTS_RUNNER],
    },
    {
      provide: LICENSE_DATE_CHECK,
      useFactory: (runner: SystemEventsRunner, queries: SystemEventsQueries, clock: Clock) => new LicenseDateCheck(runner, queries, () => clock.now()),
      inject: [SYSTEM_EVENTS_RUNNER, SYSTEM_EVENTS_QUERIES, CLOCK],
    },
    {
      provide: LICENSE_DATE_SCHEDULE,
      useFactory: (check: LicenseDateCheck, events: EventStore, engine: ProjectionEngine, config: AppConfig) => {
        const logger = new Logger('LicenseDateCheck');
        return new ScheduledTask(
          async () => {
            const { owners, raised } = await check.run();
            logger.log(`checked the license dates of ${owners} owners; ${raised} new notices`);
          },
          config.processManagers.licenseDateCheckIntervalMs,
          {
            onError: (error) => logger.error({ err: error }, 'the license-date check failed; it runs again at the next interval'),
            // The first check reads the package dates as of start, not a read model still catching up.
            ready: async () => {
              const head = await events.headPosition();
              if (head !== null && config.projections.runInApi && !(await engine.waitFor([licenseDatesProjection.name], head, READY_WITHIN_MS))) {
                throw new Error(`the package dates did not reach position ${head} within ${READY_WITHIN_MS} ms; checking anyway`);
              }
            },
          },
        );
      },
      inject: [LICENSE_DATE_CHECK, EVENT_STORE, PROJECTION_ENGINE, APP_CONFIG],
    },
    StartSystemEventHandler,
    UpdateSystemEventHandler,
    DeleteSystemEventHandler,
  ],
  exports: [NOTICE_RUNTIME, LICENSE_DATE_CHECK],
})
export class SystemEventsModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(NOTICE_RUNTIME) private readonly notices: ProcessManagerRuntime,
    @Inject(LICENSE_DATE_SCHEDULE) private readonly schedule: ScheduledTask,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.processManagers.runInApi) return;
    await this.notices.start();
    this.schedule.start();
  }

  /** Before the stores close: no command or checkpoint may be cut off. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.schedule.stop();
    await this.notices.stop();
  }
}
