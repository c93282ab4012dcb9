import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import {
  licenseListAsOf,
  readTenantEventPage,
  tenantEvents,
  toAuditEvent,
  VerificationReport,
  verifyHistory,
} from '@app/audit';
import type { LicenseListView } from '@app/domain';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { TRUSTED_ROOTS } from '@app/application';
import type { TrustedRoots } from '@app/signing';
import { LicenseListAsOfQuery, TenantEventsAnswer, TenantEventsQuery, VerifyTenantQuery } from './audit.queries';

@QueryHandler(TenantEventsQuery)
export class TenantEventsHandler implements IQueryHandler<TenantEventsQuery, TenantEventsAnswer> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ tenantId, fromPosition, limit }: TenantEventsQuery): Promise<TenantEventsAnswer> {
    const page = await readTenantEventPage(this.store, tenantId, fromPosition, limit);
    return { items: page.events.map(toAuditEvent), nextPosition: page.nextPosition?.toString() ?? null };
  }
}

@QueryHandler(LicenseListAsOfQuery)
export class LicenseListAsOfHandler implements IQueryHandler<LicenseListAsOfQuery, LicenseListView | null> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ tenantId, asOf }: LicenseListAsOfQuery): Promise<LicenseListView | null> {
    return licenseListAsOf(this.store, tenantId, asOf);
  }
}

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
