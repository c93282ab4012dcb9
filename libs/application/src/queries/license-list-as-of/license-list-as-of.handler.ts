import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { licenseListAsOf } from '@app/audit';
import type { LicenseListView } from '@app/domain';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { LicenseListAsOfQuery } from './license-list-as-of.query';

@QueryHandler(LicenseListAsOfQuery)
export class LicenseListAsOfHandler implements IQueryHandler<LicenseListAsOfQuery, LicenseListView | null> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ tenantId, asOf }: LicenseListAsOfQuery): Promise<LicenseListView | null> {
    return licenseListAsOf(this.store, tenantId, asOf);
  }
}
