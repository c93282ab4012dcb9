import { BeforeApplicationShutdown, Inject, Logger, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import {
  ActivateLicensePackageHandler,
  AssignLicenseHandler,
  CLOCK,
  DeactivateUserHandler,
  DeciderRunner,
  LEDGER_RUNNER,
  LedgerRunner,
  ReactivateUserHandler,
  RUNNER_OBSERVER,
  RunnerObserver,
  scaledRunnerOptions,
  systemClock,
  TRUSTED_ROOTS,
  UnassignLicenseHandler,
  ValidateLicensePackageHandler,
} from '@app/application';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ledger, ledgerStateCodec } from '@app/domain';
import { EVENT_STORE, EventStore, SNAPSHOT_STORE, SnapshotStore } from '@app/event-store';
import { loadTrustedRoots } from '@app/signing';
import { LicensePackagesController } from './http/license-packages.controller';
import { UserLicensesController } from './http/user-licenses.controller';

const snapshotLogger = new Logger('Snapshots');
/** A snapshot that could not be saved costs a longer load later, nothing else: say so and go on. */
const snapshotWarning = (error: unknown, stream: string) =>
  snapshotLogger.warn({ err: error }, `snapshot of ${stream} not saved`);

@Module({
  imports: [CqrsModule],
  controllers: [LicensePackagesController, UserLicensesController],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    {
      provide: LEDGER_RUNNER,
      useFactory: (store: EventStore, snapshots: SnapshotStore | null, config: AppConfig, observer?: RunnerObserver) =>
        new DeciderRunner(store, ledger, {
          ...scaledRunnerOptions(config, ledgerStateCodec, snapshots, snapshotWarning),
          name: 'ledger',
          observer,
        }),
      inject: [EVENT_STORE, SNAPSHOT_STORE, APP_CONFIG, { token: RUNNER_OBSERVER, optional: true }],
    },
    {
      provide: TRUSTED_ROOTS,
      useFactory: (config: AppConfig) => loadTrustedRoots(config.trust.rootCertificateFiles),
      inject: [APP_CONFIG],
    },
    ActivateLicensePackageHandler,
    ValidateLicensePackageHandler,
    AssignLicenseHandler,
    UnassignLicenseHandler,
    DeactivateUserHandler,
    ReactivateUserHandler,
  ],
  // Metering reads the number of plan holders from the ledger; audit verifies packages against the trusted roots.
  exports: [LEDGER_RUNNER, TRUSTED_ROOTS],
})
export class LedgerModule implements BeforeApplicationShutdown {
  constructor(@Inject(LEDGER_RUNNER) private readonly runner: LedgerRunner) {}

  /** A graceful stop lets the snapshots under way land, so the next start need not fold those streams again. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.snapshotsSaved();
  }
}
