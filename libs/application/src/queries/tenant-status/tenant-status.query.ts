import { Query } from '@nestjs/cqrs';
import type { InvoiceLine, StatusView } from '@app/domain';
import type { Position } from '@app/event-store';

/** The Status tab: the database and user counts, with this month's metering beside them. */
export interface TenantStatusAnswer extends StatusView {
  metering: { month: string; services: InvoiceLine[] };
}

/** The Status tab of a tenant; null when no package has been activated for it. */
export class TenantStatusQuery extends Query<TenantStatusAnswer | null> {
  constructor(
    readonly tenantId: string,
    readonly minPosition?: Position,
  ) {
    super();
  }
}
