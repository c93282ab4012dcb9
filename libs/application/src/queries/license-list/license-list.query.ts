import { Query } from '@nestjs/cqrs';
import type { LicenseListView } from '@app/domain';
import type { Position } from '@app/event-store';

/** The license list per owner; null when no package has been activated for the tenant. */
export class LicenseListQuery extends Query<LicenseListView | null> {
  constructor(
    readonly tenantId: string,
    readonly minPosition?: Position,
  ) {
    super();
  }
}
