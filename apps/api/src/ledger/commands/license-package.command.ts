import { Command, Query } from '@nestjs/cqrs';
import type { CommandEnvelope } from '@app/application';
import type { LicensePackage, PackageReview } from '@app/domain';

export interface ActivationAnswer {
  packageId: string;
  position: string;
}

export class ActivateLicensePackageCommand extends Command<ActivationAnswer> {
  constructor(
    readonly tenantId: string,
    readonly pkg: LicensePackage,
    readonly envelope: CommandEnvelope,
  ) {
    super();
  }
}

/** The dry run: what activating the package would change, and whether it may; nothing is written. */
export class ValidateLicensePackageQuery extends Query<PackageReview> {
  constructor(
    readonly tenantId: string,
    readonly pkg: LicensePackage,
  ) {
    super();
  }
}
