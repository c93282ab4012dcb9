import type { EventStore, Position, ReadAllAheadOptions, RecordedEvent } from './event-store.port';

/**
 * A long forward read of the log in pages, up to `upTo`: through the adapter's `readAllAhead` where it has one (read
 * ahead, on another thread), else by paging through `readAll` (what an adapter without it, or a reader falling back,
 * does): the same pages either way.
 */
export function readAllPages(events: EventStore, options: ReadAllAheadOptions): AsyncIterable<RecordedEvent[]> {
  return events.readAllAhead ? events.readAllAhead(options) : pagedReadAll(events, options);
}

/** `readAll` page by page from `afterPosition`, nothing after `upTo`. */
export async function* pagedReadAll(
  events: Pick<EventStore, 'readAll'>,
  options: ReadAllAheadOptions,
): AsyncGenerator<RecordedEvent[]> {
  let after: Position | undefined = options.afterPosition;
  for (;;) {
    const page = await events.readAll({ afterPosition: after, maxCount: options.pageSize });
    const within =
      page.length > 0 && page[page.length - 1].position > options.upTo
        ? page.filter((e) => e.position <= options.upTo)
        : page;
    if (within.length > 0) yield within;
    if (within.length < options.pageSize) return;
    after = within[within.length - 1].position;
  }
}
