import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { tenantEvents, VerificationReport, verifyHistory } from '@app/audit';
import { EVENT_STORE, EventStore } from '@app/event-store';
import type { TrustedRoots } from '@app/signing';
import { TRUSTED_ROOTS } from '../../ports/ledger-runner.port';
import { VerifyTenantQuery } from './verify-tenant.query';

/** Null when no event is recorded for the tenant. */
@QueryHandler(VerifyTenantQuery)
export class VerifyTenantHandler implements IQueryHandler<VerifyTenantQuery, VerificationReport | null> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(TRUSTED_ROOTS) private readonly roots: TrustedRoots,
  ) {}

  async execute({ tenantId }: VerifyTenantQuery): Promise<VerificationReport | null> {
    const report = await verifyHistory(tenantEvents(this.store, tenantId), this.roots);
    return report.checkedEvents > 0 ? report : null;
  }
}
