import { Query } from '@nestjs/cqrs';
import type { LicenseListView } from '@app/domain';

/** The license list as it stood at a moment, replayed from the ledger stream; null if no package was active. */
export class LicenseListAsOfQuery extends Query<LicenseListView | null> {
  constructor(
    readonly tenantId: string,
    readonly asOf: Date,
  ) {
    super();
  }
}
