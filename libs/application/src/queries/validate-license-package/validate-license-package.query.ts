import { Query } from '@nestjs/cqrs';
import type { LicensePackage, PackageReview } from '@app/domain';

/** The dry run: what activating the package would change, and whether it may; nothing is written. */
export class ValidateLicensePackageQuery extends Query<PackageReview> {
  constructor(
    readonly tenantId: string,
    readonly pkg: LicensePackage,
  ) {
    super();
  }
}
