import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ledgerStream, PackageReview, reviewPackage } from '@app/domain';
import { TrustedRoots, verifyPackage } from '@app/signing';
import { CLOCK, Clock } from '../../ports/clock.port';
import { LEDGER_RUNNER, LedgerRunner, TRUSTED_ROOTS } from '../../ports/ledger-runner.port';
import { ValidateLicensePackageQuery } from './validate-license-package.query';

/** Reads the ledger's current state (not a projection): the dry run judges exactly what activation would. */
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
