import { Query } from '@nestjs/cqrs';
import type { HoldersView } from '@app/domain';
import type { Position } from '@app/event-store';

/** The users who hold a license of an owner; null when the owner has no such license. */
export class LicenseHoldersQuery extends Query<HoldersView | null> {
  constructor(
    readonly tenantId: string,
    readonly module: string,
    readonly owner: string,
    readonly minPosition?: Position,
  ) {
    super();
  }
}
