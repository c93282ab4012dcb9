import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { readTenantEventPage, toAuditEvent } from '@app/audit';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { TenantEventsAnswer, TenantEventsQuery } from './tenant-events.query';

/** Read from the event store itself, which already holds every write a command answered: no wait needed. */
@QueryHandler(TenantEventsQuery)
export class TenantEventsHandler implements IQueryHandler<TenantEventsQuery, TenantEventsAnswer> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ tenantId, fromPosition, limit }: TenantEventsQuery): Promise<TenantEventsAnswer> {
    const page = await readTenantEventPage(this.store, tenantId, fromPosition, limit);
    return { items: page.events.map(toAuditEvent), nextPosition: page.nextPosition?.toString() ?? null };
  }
}
