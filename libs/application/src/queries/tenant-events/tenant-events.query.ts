import { Query } from '@nestjs/cqrs';
import type { AuditEvent } from '@app/audit';

export interface TenantEventsAnswer {
  items: AuditEvent[];
  /** Pass it as the next `fromPosition`; null when the tenant has no later event (yet). */
  nextPosition: string | null;
}

/** A page of the tenant's events, in global order, from a position (inclusive). */
export class TenantEventsQuery extends Query<TenantEventsAnswer> {
  constructor(
    readonly tenantId: string,
    readonly fromPosition: bigint,
    readonly limit: number,
  ) {
    super();
  }
}
