import type { EventStore, Position } from '@app/event-store';
import type { ReadModelStore } from '@app/read-models';
import type { Projection } from './projection';
import { ProjectionApplier } from './projection-applier';

/** Rebuilds projections from position 0: empties them, then reads the whole log in pages. */
export async function rebuildProjections(
  events: EventStore,
  readModels: ReadModelStore,
  projections: readonly Projection[],
  options: { batchSize?: number; onProgress?: (position: Position, head: Position) => void } = {},
): Promise<{ events: number }> {
  for (const projection of projections) await readModels.reset(projection.name, Object.keys(projection.collections));
  const applier = new ProjectionApplier(readModels, projections);
  await applier.prepare();
  applier.startedEmpty();
  const head = (await events.headPosition()) ?? 0n;
  // Pages of a thousand: larger ones keep more decoded events alive at once, which the garbage collector makes dear.
  const batchSize = options.batchSize ?? 1000;
  let after: Position | undefined;
  let count = 0;
  for (;;) {
    const page = await events.readAll({ afterPosition: after, maxCount: batchSize });
    if (page.length === 0) break;
    await applier.apply(page, { defer: true });
    count += page.length;
    after = page[page.length - 1].position;
    options.onProgress?.(after, head > after ? head : after);
    if (page.length < batchSize) break;
  }
  await applier.commitPending({ last: true });
  return { events: count };
}
