import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ledgerStream } from '@app/domain';
import { TrustedRoots, verifyPackage } from '@app/signing';
import { CLOCK, Clock } from '../../ports/clock.port';
import { LEDGER_RUNNER, LedgerRunner, TRUSTED_ROOTS } from '../../ports/ledger-runner.port';
import { PackageRejectedError } from '../command-refused.error';
import { ActivateLicensePackageCommand, ActivationAnswer } from './activate-license-package.command';

/**
 * Checking signatures is the application's job (the domain does no cryptography); judging the facts it found is
 * the decider's. A rejected package is recorded, then thrown as `PackageRejectedError` (the API answers 422).
 */
@CommandHandler(ActivateLicensePackageCommand)
export class ActivateLicensePackageHandler implements ICommandHandler<ActivateLicensePackageCommand, ActivationAnswer> {
  constructor(
    @Inject(LEDGER_RUNNER) private readonly runner: LedgerRunner,
    @Inject(TRUSTED_ROOTS) private readonly roots: TrustedRoots,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ tenantId, pkg, envelope }: ActivateLicensePackageCommand): Promise<ActivationAnswer> {
    const verification = verifyPackage(pkg, this.roots);
    const outcome = await this.runner.run(
      ledgerStream(tenantId),
      {
        type: 'ActivateLicensePackage',
        data: { tenantId, package: pkg, verification },
        metadata: { now: this.clock.now(), actor: envelope.actor },
      },
      envelope,
      () => undefined,
    );
    if (outcome.kind === 'refused')
      throw new Error(`activation cannot be refused, only rejected: ${outcome.refusal.code}`);
    const position = String(outcome.position ?? 0n);
    const [event] = outcome.events;
    if (event?.type === 'LicensePackageRejected')
      throw new PackageRejectedError(pkg.packageId, event.data.reasons, position);
    return { packageId: pkg.packageId, position };
  }
}
