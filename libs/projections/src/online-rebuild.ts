import type { EventStore, Position } from '@app/event-store';
import { Document, ReadModelStore, ReadModelWriter, stagedCheckpoint, stagedCollection } from '@app/read-models';
import { ProjectionApplier, ProjectionEngine, rebuildProjections } from './projection-engine';
import type { Projection } from './projection';

/**
 * Online rebuild of one projection, in the process that runs the live engine:
 *
 * 1. the projection is rebuilt from position 0 into staged collections beside the live ones (`<collection>__rebuild`,
 *    checkpoint `<name>__rebuild`), while the live engine goes on serving and applying;
 * 2. between two live batches, the staged copy catches up to the live position, and the store promotes it in one
 *    step (SQLite: one transaction) — so queries see the old read model until the switch and the complete new one
 *    after it, never a half-built one; the engine then carries on from the rebuilt position.
 */
export async function rebuildOnline(
  engine: ProjectionEngine,
  events: EventStore,
  readModels: ReadModelStore,
  name: string,
  options: { onProgress?: (position: Position, head: Position) => void } = {},
): Promise<{ events: number; position: Position | null }> {
  const projection = engine.projection(name);
  if (!projection) throw new Error(`unknown projection '${name}'`);
  const staged = stagedView(readModels, projection);
  const built = await rebuildProjections(events, staged, [projection], options);
  return engine.betweenBatches(async (adopt) => {
    if (engine.failed !== undefined)
      throw new Error('the projections have failed and stopped: the rebuilt copy is not switched in');
    const live = engine.position(name);
    let at = await staged.checkpoint(name);
    if (live !== null && (at === null || at < live)) at = await catchUp(events, staged, projection, at, live);
    // The rebuild may have read further than the live engine has applied: the engine then skips up to it.
    const position = at === null || (live !== null && live > at) ? live : at;
    await readModels.promote(name, Object.keys(projection.collections), position);
    adopt(name, position);
    return { events: built.events, position };
  });
}

/** Applies the events after `after` up to and including `upTo` to the staged copy; answers its new checkpoint. */
async function catchUp(
  events: EventStore,
  staged: ReadModelStore,
  projection: Projection,
  after: Position | null,
  upTo: Position,
): Promise<Position> {
  const applier = new ProjectionApplier(staged, [projection]);
  await applier.prepare();
  let from = after ?? undefined;
  for (;;) {
    const page = await events.readAll({ afterPosition: from, maxCount: 1_000 });
    const within = page.filter((event) => event.position <= upTo);
    if (within.length > 0) await applier.apply(within, { defer: true });
    if (within.length === 0 || within.length < page.length || page.length < 1_000) break;
    from = within[within.length - 1].position;
  }
  await applier.commitPending({ last: true });
  return (await staged.checkpoint(projection.name)) ?? upTo;
}

/** The store as the rebuild of one projection sees it: that projection's collections and checkpoint, staged. */
export function stagedView(store: ReadModelStore, projection: Projection): ReadModelStore {
  const own = new Set(Object.keys(projection.collections));
  const collection = (name: string) => (own.has(name) ? stagedCollection(name) : name);
  const checkpoint = (name: string) => (name === projection.name ? stagedCheckpoint(name) : name);
  const writer = (inner: ReadModelWriter): ReadModelWriter => ({
    get: <T extends Document>(name: string, id: string) => inner.get<T>(collection(name), id),
    getMany: <T extends Document>(name: string, ids: string[]) => inner.getMany<T>(collection(name), ids),
    find: (name, query) => inner.find(collection(name), query),
    upsert: (name, id, document) => inner.upsert(collection(name), id, document),
    delete: (name, id) => inner.delete(collection(name), id),
  });
  const positioned = store.getManyPositioned?.bind(store);
  return {
    maxWritesPerCommit: store.maxWritesPerCommit,
    ensureIndexes: (name, indexes) => store.ensureIndexes(collection(name), indexes),
    get: <T extends Document>(name: string, id: string) => store.get<T>(collection(name), id),
    getMany: <T extends Document>(name: string, ids: string[]) => store.getMany<T>(collection(name), ids),
    ...(positioned
      ? { getManyPositioned: <T extends Document>(name: string, ids: string[]) => positioned<T>(collection(name), ids) }
      : {}),
    find: (name, query) => store.find(collection(name), query),
    checkpoint: (name) => store.checkpoint(checkpoint(name)),
    commit: (name, position, work) => store.commit(checkpoint(name), position, (inner) => work(writer(inner))),
    reset: (name, collections) => store.reset(checkpoint(name), collections.map(collection)),
    promote: () => Promise.reject(new Error('a staged view is promoted through the store it stages into')),
    health: () => store.health(),
    close: async () => undefined,
  };
}
