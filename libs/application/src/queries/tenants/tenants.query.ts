import { Query } from '@nestjs/cqrs';
import type { Page, TenantSummary } from '@app/domain';
import type { Position } from '@app/event-store';

/** A tenant of the cross-tenant listing, with the console's columns from the tenant directory. */
export interface TenantListing extends TenantSummary {
  companyName: string | null;
  serialNumber: string | null;
  lastActivityAt: string | null;
  lastPosition: string | null;
}

/** Every tenant with an activated package, by tenant id, a page at a time; null for a cursor not handed out. */
export class TenantsQuery extends Query<Page<TenantListing> | null> {
  constructor(
    readonly page: { limit: number; cursor?: string },
    readonly minPosition?: Position,
  ) {
    super();
  }
}
