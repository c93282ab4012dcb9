import { Query } from '@nestjs/cqrs';
import type { AuditEvent, VerificationReport } from '@app/audit';
import type { LicenseListView } from '@app/domain';

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

/** The license list as it stood at a moment, replayed from the ledger stream; null if no package was active. */
export class LicenseListAsOfQuery extends Query<LicenseListView | null> {
  constructor(
    readonly tenantId: string,
    readonly asOf: Date,
  ) {
    super();
  }
}

/** Every hash chain of the tenant recomputed and every activated package's signatures verified again. */
export class VerifyTenantQuery extends Query<VerificationReport | null> {
  constructor(readonly tenantId: string) {
    super();
  }
}
