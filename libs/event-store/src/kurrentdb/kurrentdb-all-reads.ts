import {
  AllStreamResolvedEvent,
  BACKWARDS,
  END,
  FORWARDS,
  Position as LogPosition,
  ReadAllOptions as ClientReadAllOptions,
  START,
} from '@kurrent/kurrentdb-client';
import type { AllFilter, Position, ReadAllOptions, RecordedEvent } from '../event-store.port';
import { toRecordedEvent } from './kurrentdb-event';
import { matchesFilter, serverFilter } from './kurrentdb-filter';
import { compareLogPositions, toLogPosition } from './kurrentdb-position';

/**
 * Reads of `$all` in pages, in the port's terms. KurrentDB reads forwards from a position inclusively and backwards
 * from just before it; `afterPosition` and `fromPosition` are made exact here, and every event is checked against the
 * whole filter again (the server filters by prefix or regex only).
 */

/** An event read from `$all`: it always carries its log position. */
export type LoggedEvent = NonNullable<AllStreamResolvedEvent['event']>;
export type PageReader = (options: ClientReadAllOptions) => Promise<LoggedEvent[]>;

const READ_PAGE = 1_000;

export async function readAllForwards(readPage: PageReader, options: ReadAllOptions): Promise<RecordedEvent[]> {
  const wanted = options.maxCount ?? Number.POSITIVE_INFINITY;
  const found: RecordedEvent[] = [];
  const start = options.fromPosition ?? options.afterPosition;
  let from: LogPosition | typeof START = start === undefined ? START : toLogPosition(start);
  // KurrentDB reads forwards from a position inclusively; `afterPosition` and each next page skip what came before.
  let skipUpTo: LogPosition | undefined =
    options.afterPosition === undefined ? undefined : toLogPosition(options.afterPosition);
  for (;;) {
    // One more than wanted when the page may begin with the event to skip, so that every full page moves on.
    const pageSize = Math.min(READ_PAGE, Math.max(1, wanted - found.length) + (skipUpTo === undefined ? 0 : 1));
    const page = await readPage({
      direction: FORWARDS,
      fromPosition: from,
      maxCount: pageSize,
      filter: serverFilter(options.filter),
    });
    for (const event of page) {
      if (skipUpTo !== undefined && compareLogPositions(event.position, skipUpTo) <= 0) continue;
      if (!accepts(event, options.filter)) continue;
      found.push(toRecordedEvent(event));
      if (found.length >= wanted) return found;
    }
    if (page.length < pageSize) return found;
    from = page[page.length - 1].position!;
    skipUpTo = from;
  }
}

export async function readAllBackwards(readPage: PageReader, options: ReadAllOptions): Promise<RecordedEvent[]> {
  const wanted = options.maxCount ?? Number.POSITIVE_INFINITY;
  const found: RecordedEvent[] = [];
  const start = options.fromPosition ?? options.afterPosition;
  // Backwards, KurrentDB starts just before the given position; `fromPosition` includes the event at it.
  if (options.fromPosition !== undefined) {
    const at = await eventAt(readPage, options.fromPosition, options.filter);
    if (at) found.push(at);
    if (found.length >= wanted) return found;
  }
  let from: LogPosition | typeof END = start === undefined ? END : toLogPosition(start);
  for (;;) {
    const pageSize = Math.min(READ_PAGE, Math.max(1, wanted - found.length) + (from === END ? 0 : 1));
    const page = await readPage({
      direction: BACKWARDS,
      fromPosition: from,
      maxCount: pageSize,
      filter: serverFilter(options.filter),
    });
    for (const event of page) {
      if (from !== END && compareLogPositions(event.position, from) >= 0) continue;
      if (!accepts(event, options.filter)) continue;
      found.push(toRecordedEvent(event));
      if (found.length >= wanted) return found;
    }
    if (page.length < pageSize) return found;
    from = page[page.length - 1].position!;
  }
}

/** The event at exactly this position, if there is one and the filter keeps it. */
async function eventAt(
  readPage: PageReader,
  position: Position,
  filter: AllFilter | undefined,
): Promise<RecordedEvent | undefined> {
  const [event] = await readPage({
    direction: FORWARDS,
    fromPosition: toLogPosition(position),
    maxCount: 1,
    filter: serverFilter(filter),
  });
  if (!event || compareLogPositions(event.position, toLogPosition(position)) !== 0 || !accepts(event, filter))
    return undefined;
  return toRecordedEvent(event);
}

function accepts(event: { streamId: string; type: string }, filter: AllFilter | undefined): boolean {
  return matchesFilter({ stream: event.streamId, type: event.type }, filter);
}
