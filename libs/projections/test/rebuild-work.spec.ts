import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ledgerEventCodec } from '@app/domain';
import { SqliteEventStore } from '@app/event-store';
import { ReadModelStore, ReadModelWriter, SqliteReadModelStore } from '@app/read-models';
import { ALL_PROJECTIONS, ProjectionApplier, rebuildProjections } from '../src';
import { writeLedgerBacklog } from '../../../test/support/ledger-backlog';
import { documentsIn } from './support/read-model-documents';

/**
 * What makes a rebuild cheap, as counts: every event decoded once for all projections, no document read back from
 * the store (the emptied collections are known whole), each document written once, a finished rebuild's documents
 * not kept — and the read models exactly those the live engine writes batch by batch.
 */
describe('the work of a rebuild', () => {
  let dir: string;
  let events: SqliteEventStore;
  let written: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rebuild-work-'));
    events = new SqliteEventStore({ file: join(dir, 'events.db') });
    written = await writeLedgerBacklog(events, { tenants: 3, commandsPerTenant: 150 });
  });
  afterAll(async () => {
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('decodes each event once, reads no document back, and writes each document once', async () => {
    const store = new SqliteReadModelStore({ file: join(dir, 'rebuilt.db') });
    const counted = counting(store);
    const decode = jest.spyOn(ledgerEventCodec, 'decode');
    try {
      const { events: applied } = await rebuildProjections(events, counted.store, ALL_PROJECTIONS, { batchSize: 100 });
      expect(applied).toBe(written);
      expect(decode).toHaveBeenCalledTimes(written);
      expect(counted.reads).toBe(0);
      const writes = counted.writes.map(([collection, id]) => `${collection}/${id}`);
      expect(writes.length).toBeGreaterThan(written / 10);
      expect(new Set(writes).size).toBe(writes.length);
      // Documents made and removed within the rebuild (released holdings) never reach the store at all.
      expect(counted.deletes).toBe(0);
    } finally {
      decode.mockRestore();
      await store.close();
    }
  });

  it('gives the documents the live engine gives, batch by batch', async () => {
    const rebuilt = new SqliteReadModelStore({ file: join(dir, 'rebuilt-2.db') });
    const live = new SqliteReadModelStore({ file: join(dir, 'live.db') });
    try {
      await rebuildProjections(events, rebuilt, ALL_PROJECTIONS, { batchSize: 64 });
      const applier = new ProjectionApplier(live, ALL_PROJECTIONS);
      await applier.prepare();
      for (let after: bigint | undefined; ;) {
        const page = await events.readAll({ afterPosition: after, maxCount: 37 });
        if (page.length === 0) break;
        await applier.apply(page);
        after = page[page.length - 1].position;
      }
      expect(documentsIn(join(dir, 'rebuilt-2.db'))).toEqual(documentsIn(join(dir, 'live.db')));
    } finally {
      await rebuilt.close();
      await live.close();
    }
  });

  it("keeps a live applier's committed documents, and drops those of an applier that is done", async () => {
    const page = await events.readAll({ maxCount: 200 });
    const next = await events.readAll({ afterPosition: page[page.length - 1].position, maxCount: 200 });
    const readsAfter = async (last: boolean) => {
      const store = new SqliteReadModelStore({ file: join(dir, `cache-${String(last)}.db`) });
      const counted = counting(store);
      try {
        const applier = new ProjectionApplier(counted.store, ALL_PROJECTIONS);
        await applier.prepare();
        await applier.apply(page, { defer: true });
        await applier.commitPending({ last });
        const before = counted.reads;
        await applier.apply(next);
        return counted.reads - before;
      } finally {
        await store.close();
      }
    };
    // Documents of the first page that the second one touches again are read back only from the applier that is done.
    expect(await readsAfter(true)).toBeGreaterThan(await readsAfter(false));
  });
});

/** The store, counting the documents read (outside and inside transactions) and written. */
function counting(store: ReadModelStore) {
  const counts = { reads: 0, deletes: 0, writes: [] as Array<[string, string]> };
  const writer = (inner: ReadModelWriter): ReadModelWriter => ({
    ...inner,
    get: (...args) => (counts.reads++, inner.get(...args)),
    getMany: (collection, ids) => ((counts.reads += ids.length), inner.getMany(collection, ids)),
    upsert: (collection, id, document) => (
      counts.writes.push([collection, id]),
      inner.upsert(collection, id, document)
    ),
    delete: (...args) => (counts.deletes++, inner.delete(...args)),
  });
  const counted: ReadModelStore = {
    ensureIndexes: (...args) => store.ensureIndexes(...args),
    get: (...args) => (counts.reads++, store.get(...args)),
    getMany: (collection, ids) => ((counts.reads += ids.length), store.getMany(collection, ids)),
    find: (...args) => store.find(...args),
    checkpoint: (...args) => store.checkpoint(...args),
    commit: (name, position, work) => store.commit(name, position, (inner) => work(writer(inner))),
    promote: (...args) => store.promote(...args),
    health: () => store.health(),
    reset: (...args) => store.reset(...args),
    close: () => store.close(),
  };
  return {
    store: counted,
    ...counts,
    get reads() {
      return counts.reads;
    },
    get deletes() {
      return counts.deletes;
    },
  };
}
