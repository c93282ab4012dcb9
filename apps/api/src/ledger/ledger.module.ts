import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DeciderRunner, RUNNER_OBSERVER, RunnerObserver } from '@app/application';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ledger } from '@app/domain';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { loadTrustedRoots } from '@app/signing';
import { CLOCK, systemClock } from '../common/clock';
import { AssignLicenseHandler, UnassignLicenseHandler } from './commands/assign-license.handler';
import { ActivateLicensePackageHandler, ValidateLicensePackageHandler } from './commands/license-package.handler';
import { DeactivateUserHandler, ReactivateUserHandler } from './commands/user-activation.handler';
import { LicensePackagesController } from './http/license-packages.controller';
import { UserLicensesController } from './http/user-licenses.controller';
import { LEDGER_RUNNER, TRUSTED_ROOTS } from './ledger.tokens';

@Module({
  imports: [CqrsModule],
  controllers: [LicensePackagesController, UserLicensesController],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    {
      provide: LEDGER_RUNNER,
      useFactory: (store: EventStore, observer?: RunnerObserver) => new DeciderRunner(store, ledger, { name: 'ledger', observer }),
      inject: [EVENT_STORE, { token: RUNNER_OBSERVER, optional: true }],
    },
    { provide: TRUSTED_ROOTS, useFactory: (config: AppConfig) => loadTrustedRoots(config.trust.rootCertificateFiles), inject: [APP_CONFIG] },
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
export class LedgerModule {}
