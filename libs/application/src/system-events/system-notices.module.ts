import {
  BeforeApplicationShutdown,
  DynamicModule,
  Inject,
  Logger,
  Module,
  OnApplicationBootstrap,
  Type,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { systemEvents } from '@app/domain';
import { EVENT_STORE, EventStore, Position } from '@app/event-store';
import { DeciderRunner } from '../decider-runner';
import { RUNNER_OBSERVER, RunnerObserver } from '../runner-observer';
import { CHECKPOINT_STORE, CheckpointStore } from '../process-managers/process-manager';
import { ProcessManagerRuntime } from '../process-managers/process-manager-runtime';
import { ScheduledTask } from '../process-managers/scheduled-task';
import { LicenseDateCheck, LicenseDatesSource } from './license-date-check';
import { systemNoticeProcessManagers } from './system-notices';
import type { SystemEventsRunner } from './system-events-runner';

export const SYSTEM_EVENTS_RUNNER = Symbol('SYSTEM_EVENTS_RUNNER');
export const NOTICE_RUNTIME = Symbol('NOTICE_RUNTIME');
export const LICENSE_DATE_CHECK = Symbol('LICENSE_DATE_CHECK');
/** The owners' package dates the daily check reads (`LicenseDatesSource`), bound by the composition root. */
export const LICENSE_DATES_SOURCE = Symbol('LICENSE_DATES_SOURCE');
/** How far the package dates have been read (`LicenseDatesProgress`), bound by the composition root. */
export const LICENSE_DATES_PROGRESS = Symbol('LICENSE_DATES_PROGRESS');
const LICENSE_DATE_SCHEDULE = Symbol('LICENSE_DATE_SCHEDULE');
/** Options of the process that wires the notices. */
const NOTICE_OPTIONS = Symbol('NOTICE_OPTIONS');

/** How long the first license-date check at start waits for the package dates to be projected. */
const READY_WITHIN_MS = 60_000;

/** Where the package dates stand: the first license-date check at start waits until they reach the log's head. */
export interface LicenseDatesProgress {
  /** Resolves true once the package dates have taken `position` into account, false after `timeoutMs`. */
  waitFor(position: Position, timeoutMs: number): Promise<boolean>;
}

export interface SystemNoticesOptions {
  /**
   * The composition root's module that binds this module's ports: `CHECKPOINT_STORE`, `LICENSE_DATES_SOURCE` and
   * `LICENSE_DATES_PROGRESS`. Its exports are exported again (globally) beside the notices'.
   */
  ports: Type | DynamicModule;
  /** `always`: this process is the projector; `as-configured`: the API, raising notices when processManagers.runInApi. */
  run: 'always' | 'as-configured';
  /** The time source of the daily check (the API passes its clock, for tests). */
  now?: () => string;
  /** Told when a notice process manager fails and stops (the projector then stops too, as for a failed projection). */
  onFailure?(error: unknown, manager: string): void;
}

/**
 * The backend's own notices, wired once for the API (embedded mode) and the projector: the system-events runner,
 * the notice process managers on their own checkpoints, and the scheduled license-date check. It names ports only;
 * the composition root binds them to the read-model store and the projections (`options.ports`).
 */
@Module({})
export class SystemNoticesModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(NOTICE_RUNTIME) private readonly notices: ProcessManagerRuntime,
    @Inject(LICENSE_DATE_SCHEDULE) private readonly schedule: ScheduledTask,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(NOTICE_OPTIONS) private readonly options: SystemNoticesOptions,
  ) {}

  static forRoot(options: SystemNoticesOptions): DynamicModule {
    return {
      module: SystemNoticesModule,
      global: true,
      imports: [options.ports],
      providers: [
        { provide: NOTICE_OPTIONS, useValue: options },
        {
          provide: SYSTEM_EVENTS_RUNNER,
          useFactory: (store: EventStore, observer?: RunnerObserver): SystemEventsRunner =>
            new DeciderRunner(store, systemEvents, { name: 'system-events', observer }),
          inject: [EVENT_STORE, { token: RUNNER_OBSERVER, optional: true }],
        },
        {
          provide: NOTICE_RUNTIME,
          useFactory: (events: EventStore, checkpoints: CheckpointStore, runner: SystemEventsRunner) => {
            const logger = new Logger('Notices');
            return new ProcessManagerRuntime(events, checkpoints, systemNoticeProcessManagers(runner), {
              onError: (error, manager) => {
                logger.error({ err: error, manager }, 'a notice process manager failed and stopped');
                options.onFailure?.(error, manager);
              },
            });
          },
          inject: [EVENT_STORE, CHECKPOINT_STORE, SYSTEM_EVENTS_RUNNER],
        },
        {
          provide: LICENSE_DATE_CHECK,
          useFactory: (runner: SystemEventsRunner, source: LicenseDatesSource) =>
            new LicenseDateCheck(runner, source, options.now ?? (() => new Date().toISOString())),
          inject: [SYSTEM_EVENTS_RUNNER, LICENSE_DATES_SOURCE],
        },
        {
          provide: LICENSE_DATE_SCHEDULE,
          useFactory: (
            check: LicenseDateCheck,
            events: EventStore,
            progress: LicenseDatesProgress,
            config: AppConfig,
          ) => {
            const logger = new Logger('LicenseDateCheck');
            return new ScheduledTask(
              async () => {
                const { owners, raised } = await check.run();
                logger.log(`checked the license dates of ${owners} owners; ${raised} new notices`);
              },
              config.processManagers.licenseDateCheckIntervalMs,
              {
                onError: (error) =>
                  logger.error({ err: error }, 'the license-date check failed; it runs again at the next interval'),
                // The first check reads the package dates as of start, not a read model still catching up.
                ready: async () => {
                  const head = await events.headPosition();
                  if (head !== null && !(await progress.waitFor(head, READY_WITHIN_MS))) {
                    throw new Error(
                      `the package dates did not reach position ${head} within ${READY_WITHIN_MS} ms; checking anyway`,
                    );
                  }
                },
              },
            );
          },
          inject: [LICENSE_DATE_CHECK, EVENT_STORE, LICENSE_DATES_PROGRESS, APP_CONFIG],
        },
      ],
      exports: [SYSTEM_EVENTS_RUNNER, NOTICE_RUNTIME, LICENSE_DATE_CHECK, options.ports],
    };
  }

  private get runsHere(): boolean {
    return this.options.run === 'always' || this.config.processManagers.runInApi;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.runsHere) return;
    await this.notices.start();
    this.schedule.start();
  }

  /** Before the stores close: no command or checkpoint may be cut off. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.schedule.stop();
    await this.notices.stop();
  }
}
