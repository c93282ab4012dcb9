import { BeforeApplicationShutdown, Inject, Logger, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import {
  CLOCK,
  CloseMeteringMonthHandler,
  DeciderRunner,
  METERING_RUNNER,
  MeteringRunner,
  RecordMeteredUsageHandler,
  RUNNER_OBSERVER,
  RunnerObserver,
  scaledRunnerOptions,
  systemClock,
} from '@app/application';
import { APP_CONFIG, AppConfig } from '@app/config';
import { metering, meteringStateCodec } from '@app/domain';
import { EVENT_STORE, EventStore, SNAPSHOT_STORE, SnapshotStore } from '@app/event-store';
import { LedgerModule } from '../ledger/ledger.module';
import { MeteringController } from './http/metering.controller';

const snapshotLogger = new Logger('Snapshots');
/** A snapshot that could not be saved costs a longer load later, nothing else: say so and go on. */
const snapshotWarning = (error: unknown, stream: string) =>
  snapshotLogger.warn({ err: error }, `snapshot of ${stream} not saved`);

@Module({
  imports: [CqrsModule, LedgerModule],
  controllers: [MeteringController],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    {
      provide: METERING_RUNNER,
      useFactory: (store: EventStore, snapshots: SnapshotStore | null, config: AppConfig, observer?: RunnerObserver) =>
        new DeciderRunner(store, metering, {
          // Usage and close answers are their summaries (counts, invoice): a retry needs no records kept.
          ...scaledRunnerOptions(config, meteringStateCodec, snapshots, snapshotWarning, 'summary'),
          name: 'metering',
          observer,
        }),
      inject: [EVENT_STORE, SNAPSHOT_STORE, APP_CONFIG, { token: RUNNER_OBSERVER, optional: true }],
    },
    RecordMeteredUsageHandler,
    CloseMeteringMonthHandler,
  ],
})
export class MeteringModule implements BeforeApplicationShutdown {
  constructor(@Inject(METERING_RUNNER) private readonly runner: MeteringRunner) {}

  /** A graceful stop lets the snapshots under way land, so the next start need not fold those streams again. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.snapshotsSaved();
  }
}
