import { Query } from '@nestjs/cqrs';
import type { UserLicensesView } from '@app/domain';
import type { Position } from '@app/event-store';

/** A user's plan and licenses of an owner (empty for a user the ledger has not seen). */
export class UserLicensesQuery extends Query<UserLicensesView> {
  constructor(
    readonly tenantId: string,
    readonly userId: string,
    readonly owner: string,
    readonly minPosition?: Position,
  ) {
    super();
  }
}
