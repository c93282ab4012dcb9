import type { EventStore, Position, RecordedEvent } from '@app/event-store';
import { belongsToTenant, tenantStreamPrefixes } from './tenant-streams';

const PAGE = 1000;

/** Every event of a tenant from `fromPosition` (inclusive, like readAll), in global order, read page by page. */
export async function* tenantEvents(
  store: EventStore,
  tenant: string,
  options: { fromPosition?: Position; pageSize?: number } = {},
): AsyncGenerator<RecordedEvent> {
  const filter = { streamPrefix: tenantStreamPrefixes(tenant) };
  const pageSize = options.pageSize ?? PAGE;
  let page = await store.readAll({ fromPosition: options.fromPosition, maxCount: pageSize, filter });
  for (;;) {
    for (const event of page) if (belongsToTenant(event.stream, tenant)) yield event;
    if (page.length < pageSize) return;
    // Continue after a position the store handed out, which every adapter accepts.
    page = await store.readAll({ afterPosition: page[page.length - 1].position, maxCount: pageSize, filter });
  }
}

export interface TenantEventPage {
  events: RecordedEvent[];
  /** The position of the tenant's next event, to pass as the next `fromPosition`; null when none follows yet. */
  nextPosition: Position | null;
}

export async function readTenantEventPage(
  store: EventStore,
  tenant: string,
  fromPosition: Position,
  limit: number,
): Promise<TenantEventPage> {
  const events: RecordedEvent[] = [];
  for await (const event of tenantEvents(store, tenant, { fromPosition, pageSize: Math.min(limit + 1, PAGE) })) {
    if (events.length === limit) return { events, nextPosition: event.position };
    events.push(event);
  }
  return { events, nextPosition: null };
}
