import type { Position, RecordedEvent } from '@app/event-store';
import type {
  CommitOutcome,
  Document,
  FindResult,
  PositionedDocument,
  ReadModelStore,
  ReadModelWriter,
} from '@app/read-models';
import { BatchDocuments, Projection, ProjectionApplier } from '../src';

/**
 * The per-document position guard, without transactions: a store that writes each document with the position of
 * its batch and moves the checkpoint in a separate step (as the MongoDB store does on a standalone server). A
 * crash between the two leaves documents ahead of the checkpoint; the replay must not apply their events again —
 * also when the replay cuts the log into different batches than the first run did.
 */
class GuardedStoreWithoutTransactions implements ReadModelStore {
  readonly documents = new Map<string, { document: Document; at: Position }>();
  private readonly checkpoints = new Map<string, Position>();
  crashBeforeNextCheckpoint = false;
  constructor(private readonly offersPositions = true) {}

  async ensureIndexes(): Promise<void> {}
  async get<T extends Document>(collection: string, id: string) {
    const found = this.documents.get(`${collection}/${id}`);
    return found ? ({ ...(found.document as T), _id: id } as T & { _id: string }) : null;
  }
  async getMany<T extends Document>(collection: string, ids: string[]) {
    return new Map([...(await this.positioned<T>(collection, ids))].map(([id, { document }]) => [id, document]));
  }
  get getManyPositioned() {
    return this.offersPositions
      ? <T extends Document>(collection: string, ids: string[]) => this.positioned<T>(collection, ids)
      : undefined;
  }
  async find<T extends Document>(): Promise<FindResult<T>> {
    throw new Error('not used');
  }
  async checkpoint(projection: string) {
    return this.checkpoints.get(projection) ?? null;
  }
  async commit(
    projection: string,
    checkpoint: Position,
    work: (writer: ReadModelWriter) => Promise<void>,
  ): Promise<CommitOutcome> {
    const stored = this.checkpoints.get(projection);
    if (stored !== undefined && stored >= checkpoint) throw new Error('at or below the checkpoint');
    const writes: Array<[string, Document | null]> = [];
    await work({
      get: (collection, id) => this.get(collection, id),
      getMany: (collection, ids) => this.getMany(collection, ids),
      find: () => this.find(),
      upsert: async (collection, id, document) => void writes.push([`${collection}/${id}`, document]),
      delete: async (collection, id) => void writes.push([`${collection}/${id}`, null]),
    });
    let staleWrites = 0;
    for (const [key, document] of writes) {
      const existing = this.documents.get(key);
      if (existing && existing.at >= checkpoint) staleWrites++;
      else if (document === null) this.documents.delete(key);
      else this.documents.set(key, { document, at: checkpoint });
    }
    if (this.crashBeforeNextCheckpoint) {
      this.crashBeforeNextCheckpoint = false;
      throw new Error('crashed after the documents, before the checkpoint');
    }
    this.checkpoints.set(projection, checkpoint);
    return { staleWrites };
  }
  async reset(): Promise<void> {}
  async close(): Promise<void> {}
  async promote(): Promise<void> {
    throw new Error('not used by this test');
  }
  async health() {
    return { status: 'up' as const, adapter: 'mongodb' as const };
  }

  private async positioned<T extends Document>(
    collection: string,
    ids: string[],
  ): Promise<Map<string, PositionedDocument<T>>> {
    const found = new Map<string, PositionedDocument<T>>();
    for (const id of ids) {
      const stored = this.documents.get(`${collection}/${id}`);
      if (stored) found.set(id, { document: { ...(stored.document as T) }, appliedPosition: stored.at });
    }
    return found;
  }
}

/** Counts events per key, and sums their amounts into a per-tenant total that reads the same batch's documents. */
const counting: Projection = {
  name: 'counting',
  collections: { counters: [] },
  eventTypes: ['Counted'],
  documentsFor: (event) => [['counters', String(event.data.key)]],
  apply(event: RecordedEvent, documents: BatchDocuments) {
    const key = String(event.data.key);
    const current = documents.get<{ count: number; sum: number }>('counters', key) ?? { count: 0, sum: 0 };
    documents.put('counters', key, { count: current.count + 1, sum: current.sum + Number(event.data.amount) });
  },
};

function log(count: number): RecordedEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `e${i + 1}`,
    stream: 's',
    revision: i,
    position: BigInt(i + 1),
    type: 'Counted',
    data: { key: `k${i % 3}`, amount: i + 1 },
    metadata: {},
    recordedAt: '2026-01-01T00:00:00.000Z',
  }));
}

function expectedCounters(events: RecordedEvent[]) {
  const counters = new Map<string, { count: number; sum: number }>();
  for (const event of events) {
    const key = String(event.data.key);
    const current = counters.get(key) ?? { count: 0, sum: 0 };
    counters.set(key, { count: current.count + 1, sum: current.sum + Number(event.data.amount) });
  }
  return Object.fromEntries([...counters].map(([key, value]) => [`counters/${key}`, value]));
}

async function crashThenReplay(
  store: GuardedStoreWithoutTransactions,
  events: RecordedEvent[],
  replayBatches: number[],
) {
  const first = new ProjectionApplier(store, [counting]);
  await first.prepare();
  await first.apply(events.slice(0, 4));
  store.crashBeforeNextCheckpoint = true;
  await expect(first.apply(events.slice(4, 10))).rejects.toThrow(/crashed/);
  expect(await store.checkpoint('counting')).toBe(4n);

  // The process restarts: a fresh applier, from the stored checkpoint, cutting the log differently.
  const replay = new ProjectionApplier(store, [counting]);
  await replay.prepare();
  let at = 4;
  for (const size of replayBatches) {
    await replay.apply(events.slice(at, at + size));
    at += size;
  }
  return Object.fromEntries([...store.documents].map(([key, { document }]) => [key, document]));
}

describe('per-document position guard (no transactions)', () => {
  const events = log(16);

  it('a replay after a crash between documents and checkpoint applies no event twice, whatever the batches', async () => {
    for (const batches of [[12], [2, 2, 2, 6], [3, 9], [1, 1, 1, 1, 1, 1, 6]]) {
      const documents = await crashThenReplay(new GuardedStoreWithoutTransactions(), events, batches);
      expect({ batches, documents }).toEqual({ batches, documents: expectedCounters(events) });
    }
  });

  it('without positions from the store, the same replay counts the crashed batch twice (what the guard prevents)', async () => {
    const documents = await crashThenReplay(new GuardedStoreWithoutTransactions(false), events, [3, 9]);
    expect(documents).not.toEqual(expectedCounters(events));
  });
});
