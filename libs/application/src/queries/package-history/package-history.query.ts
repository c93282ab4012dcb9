import { Query } from '@nestjs/cqrs';
import type { PackageHistoryEntry, Page } from '@app/domain';
import type { Position } from '@app/event-store';

/** The tenant's activations and rejections, newest first; null for a cursor this list did not hand out. */
export class PackageHistoryQuery extends Query<Page<PackageHistoryEntry> | null> {
  constructor(
    readonly tenantId: string,
    readonly page: { limit: number; cursor?: string },
    readonly minPosition?: Position,
  ) {
    super();
  }
}
