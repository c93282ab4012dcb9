import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler, IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ledgerStream, PackageReview, reviewPackage } from '@app/domain';
import { TrustedRoots, verifyPackage } from '@app/signing';
import { CLOCK, Clock } from '../../common/clock';
import { packageRejectedProblem } from '../ledger-refusal';
import { LEDGER_RUNNER, LedgerRunner, TRUSTED_ROOTS } from '../ledger.tokens';
import {
  ActivateLicensePackageCommand,
  ActivationAnswer,
  ValidateLicensePackageQuery,
} from './license-package.command';

/**
 * Checking signatures is the application's job (the domain does no cryptography); judging the facts it found is
 * the decider's. A rejected package is recorded, then answered as 422.
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
      throw packageRejectedProblem(pkg.packageId, event.data.reasons, position);
    return { packageId: pkg.packageId, position };
  }
}

@QueryHandler(ValidateLicensePackageQuery)
export class ValidateLicensePackageHandler implements IQueryHandler<ValidateLicensePackageQuery, PackageReview> {
  constructor(
    @Inject(LEDGER_RUNNER) private readonly runner: LedgerRunner,
    @Inject(TRUSTED_ROOTS) private readonly roots: TrustedRoots,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ tenantId, pkg }: ValidateLicensePackageQuery): Promise<PackageReview> {
    const verification = verifyPackage(pkg, this.roots);
    const now = this.clock.now();
    return this.runner.read(ledgerStream(tenantId), (state) =>
      reviewPackage(state, { tenantId, package: pkg, verification }, now),
    );
  }
}
