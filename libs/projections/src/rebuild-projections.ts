import { readAllPages, type EventStore, type Position } from '@app/event-store';
import type { ReadModelStore } from '@app/read-models';
import type { Projection } from './projection';
import { ProjectionApplier } from './projection-applier';

/**
 * Rebuilds projections from position 0: empties them, then reads the log in pages up to the head taken at the start
 * (what is appended meanwhile is the live engine's, or an online rebuild's catch-up). The pages come through the
 * store's `readAllAhead` where it has one: SQLite reads them on a worker thread while this one applies the previous
 * ones (issue 15, goal 5); other stores page through `readAll`.
 */
export async function rebuildProjections(
  events: EventStore,
  readModels: ReadModelStore,
  projections: readonly Projection[],
  options: { batchSize?: number; onProgress?: (position: Position, head: Position) => void } = {},
): Promise<{ events: number }> {
  const head = await events.headPosition();
  const pages = head === null ? undefined : readAllPages(events, { upTo: head, pageSize: options.batchSize ?? 1000 });
  const iterator = pages?.[Symbol.asyncIterator]();
  // The first page asked for before the reset: the reader thread reads it while this one empties the collections.
  let next = iterator?.next();
  // Awaited below (or in `finally`); marked as handled now, lest a read failing during the reset count as unhandled.
  next?.catch(noop);
  try {
    for (const projection of projections) await readModels.reset(projection.name, Object.keys(projection.collections));
    const applier = new ProjectionApplier(readModels, projections);
    await applier.prepare();
    applier.startedEmpty();
    let count = 0;
    // Pages of a thousand: larger ones keep more decoded events alive at once, which the garbage collector makes dear.
    for (let page = await next; page && !page.done; page = await next) {
      next = undefined;
      await applier.apply(page.value, { defer: true });
      count += page.value.length;
      if (head !== null) options.onProgress?.(page.value[page.value.length - 1].position, head);
      next = iterator?.next();
    }
    next = undefined;
    await applier.commitPending({ last: true });
    return { events: count };
  } finally {
    // A page asked for and not taken (the rebuild failed before): settled first, so that no read is left running
    // and no rejection unobserved; the rebuild fails with its own error, the lesser one of the read is dropped.
    if (next) await next.then(noop, noop);
    await iterator?.return?.();
  }
}

const noop = () => undefined;
