import { randomUUID } from 'node:crypto';
import { InvalidCursorError, ReadModelStore } from '../src';

/**
 * The read-model store contract, written once and run by every adapter's spec (SQLite here; MongoDB when
 * MONGODB_URL is set). Each test works in collections and projections of its own name.
 */
export function readModelStoreContract(
  adapterName: string,
  open: () => Promise<{ store: ReadModelStore; dispose(): Promise<void> }>,
  /** Whether `commitMany` is one transaction (SQLite, MongoDB with transactions) or one commit after the other. */
  options: { atomicGroups: boolean } = { atomicGroups: true },
): void {
  describe(`ReadModelStore contract: ${adapterName}`, () => {
    let store: ReadModelStore;
    let dispose: () => Promise<void>;
    let c: string;
    let p: string;

    beforeEach(async () => {
      ({ store, dispose } = await open());
      const suffix = randomUUID().slice(0, 8);
      c = `col_${suffix}`;
      p = `proj_${suffix}`;
    });
    afterEach(async () => {
      await store.close();
      await dispose();
    });

    const seed = (docs: Array<[string, Record<string, unknown>]>, at = 1n) =>
      store.commit(p, at, async (w) => {
        for (const [id, doc] of docs) await w.upsert(c, id, doc);
      });

    it('upserts and gets documents by id, with the checkpoint committed alongside', async () => {
      expect(await store.checkpoint(p)).toBeNull();
      await seed([['a', { tenant: 'T', n: 1 }]], 5n);
      expect(await store.get(c, 'a')).toEqual({ _id: 'a', tenant: 'T', n: 1 });
      expect(await store.checkpoint(p)).toBe(5n);
      await store.commit(p, 6n, async (w) => {
        const doc = await w.get<{ n: number }>(c, 'a');
        await w.upsert(c, 'a', { ...doc!, n: doc!.n + 1 });
        await w.delete(c, 'missing');
      });
      expect(await store.get(c, 'a')).toEqual({ _id: 'a', tenant: 'T', n: 2 });
      await store.commit(p, 7n, async (w) => {
        const many = await w.getMany(c, ['a', 'missing']);
        expect([...many.keys()]).toEqual(['a']);
        expect(many.get('a')).toMatchObject({ n: 2 });
      });
      expect([...(await store.getMany(c, ['missing', 'a'])).keys()]).toEqual(['a']);
    });

    it('a failing batch writes nothing and leaves the checkpoint where it was', async () => {
      await seed([['a', { n: 1 }]], 1n);
      await expect(
        store.commit(p, 2n, async (w) => {
          await w.upsert(c, 'a', { n: 99 });
          await w.upsert(c, 'b', { n: 2 });
          throw new Error('projection bug');
        }),
      ).rejects.toThrow('projection bug');
      expect(await store.get(c, 'a')).toEqual({ _id: 'a', n: 1 });
      expect(await store.get(c, 'b')).toBeNull();
      expect(await store.checkpoint(p)).toBe(1n);
    });

    it('refuses to apply a batch at or below the checkpoint (an event never applies twice)', async () => {
      await seed([['a', { n: 1 }]], 10n);
      await expect(store.commit(p, 10n, async (w) => w.upsert(c, 'a', { n: 2 }))).rejects.toThrow();
      await expect(store.commit(p, 9n, async (w) => w.upsert(c, 'a', { n: 2 }))).rejects.toThrow();
      expect(await store.get(c, 'a')).toEqual({ _id: 'a', n: 1 });
    });

    it('commits several projections at once (commitMany): each its documents with its checkpoint', async () => {
      const q = `${p}_other`;
      const d = `${c}_other`;
      await seed([['a', { n: 1 }]], 3n);
      const outcomes = await store.commitMany!([
        { projection: p, checkpoint: 5n, work: async (w) => w.upsert(c, 'a', { n: 2 }) },
        {
          projection: q,
          checkpoint: 5n,
          work: async (w) => {
            await w.upsert(d, 'x', { n: 7 });
            await w.upsert(d, 'y', { n: 8 });
          },
        },
      ]);
      expect(outcomes).toHaveLength(2);
      expect(await store.get(c, 'a')).toEqual({ _id: 'a', n: 2 });
      expect([...(await store.getMany(d, ['x', 'y'])).keys()].sort()).toEqual(['x', 'y']);
      expect([await store.checkpoint(p), await store.checkpoint(q)]).toEqual([5n, 5n]);
      expect(await store.commitMany!([])).toEqual([]);
    });

    it('a failing part of commitMany leaves its projection as it was, and every checkpoint with its documents', async () => {
      const q = `${p}_other`;
      const d = `${c}_other`;
      await seed([['a', { n: 1 }]], 3n);
      for (const failing of ['throws', 'refused'] as const) {
        await expect(
          store.commitMany!([
            { projection: q, checkpoint: 4n, work: async (w) => w.upsert(d, 'x', { n: 1 }) },
            {
              projection: p,
              // At the stored checkpoint: refused, as `commit` refuses it (an event never applies twice).
              checkpoint: failing === 'refused' ? 3n : 4n,
              work: async (w) => {
                await w.upsert(c, 'a', { n: 99 });
                if (failing === 'throws') throw new Error('projection bug');
              },
            },
          ]),
        ).rejects.toThrow();
        expect(await store.get(c, 'a')).toEqual({ _id: 'a', n: 1 });
        expect(await store.checkpoint(p)).toBe(3n);
        // The part before the failing one: not committed in one transaction; committed whole, if one after the other.
        const other = [await store.checkpoint(q), await store.get(d, 'x')];
        if (options.atomicGroups) expect(other).toEqual([null, null]);
        else expect(other).toEqual([4n, { _id: 'x', n: 1 }]);
        await store.reset(q, [d]);
      }
    });

    it('finds by equality, sorts, limits, and pages with a cursor', async () => {
      await seed([
        ['1', { tenant: 'T', at: 3, active: true }],
        ['2', { tenant: 'T', at: 1, active: false }],
        ['3', { tenant: 'U', at: 2, active: true }],
        ['4', { tenant: 'T', at: 2, active: true }],
        ['5', { tenant: 'T', at: 2, active: true }],
      ]);
      const all = await store.find(c, { filter: { tenant: 'T' }, sort: [['at', -1]] });
      expect(all.items.map((d) => d._id)).toEqual(['1', '4', '5', '2']);
      expect(all.nextCursor).toBeUndefined();
      const active = await store.find(c, { filter: { tenant: 'T', active: true }, sort: [['at', 1]] });
      expect(active.items.map((d) => d._id)).toEqual(['4', '5', '1']);
      const first = await store.find(c, { filter: { tenant: 'T' }, sort: [['at', -1]], limit: 2 });
      expect(first.items.map((d) => d._id)).toEqual(['1', '4']);
      const second = await store.find(c, {
        filter: { tenant: 'T' },
        sort: [['at', -1]],
        limit: 2,
        cursor: first.nextCursor,
      });
      expect(second.items.map((d) => d._id)).toEqual(['5', '2']);
      expect(second.nextCursor).toBeUndefined();
    });

    it('finds by id prefix, in id order', async () => {
      await seed([
        ['T|SO|web|u2', { n: 1 }],
        ['T|SO|web|u1', { n: 2 }],
        ['T|SO|webx|u1', { n: 3 }],
        ['T|SO|wea|u1', { n: 4 }],
        ['U|SO|web|u1', { n: 5 }],
      ]);
      const found = await store.find(c, { idPrefix: 'T|SO|web|' });
      expect(found.items.map((d) => d._id)).toEqual(['T|SO|web|u1', 'T|SO|web|u2']);
      const paged = await store.find(c, { idPrefix: 'T|SO|web|', limit: 1 });
      expect(
        (await store.find(c, { idPrefix: 'T|SO|web|', limit: 1, cursor: paged.nextCursor })).items.map((d) => d._id),
      ).toEqual(['T|SO|web|u2']);
    });

    it('pages stay stable while documents are added before the cursor', async () => {
      await seed(Array.from({ length: 6 }, (_, i): [string, Record<string, unknown>] => [`d${i}`, { at: i }]));
      const first = await store.find(c, { sort: [['at', -1]], limit: 3 });
      await seed([['new', { at: 100 }]], 2n);
      const second = await store.find(c, { sort: [['at', -1]], limit: 3, cursor: first.nextCursor });
      expect([...first.items, ...second.items].map((d) => d._id)).toEqual(['d5', 'd4', 'd3', 'd2', 'd1', 'd0']);
    });

    it('refuses a crafted cursor of any shape with InvalidCursorError, before it reaches the database (issue 13, item 3)', async () => {
      await seed(Array.from({ length: 3 }, (_, i): [string, Record<string, unknown>] => [`d${i}`, { at: i }]));
      const crafted = [[{ $gt: 1 }, 'd1'], [[1], 'd1'], [1, { id: 'd1' }], [1, 2], [true, 'd1'], ['x'], 'not an array'];
      for (const values of crafted) {
        const cursor = Buffer.from(JSON.stringify(values)).toString('base64url');
        await expect(store.find(c, { sort: [['at', -1]], limit: 2, cursor })).rejects.toBeInstanceOf(
          InvalidCursorError,
        );
      }
    });

    it('reset empties the projection and its checkpoint', async () => {
      await seed([['a', { n: 1 }]], 3n);
      await store.reset(p, [c]);
      expect(await store.get(c, 'a')).toBeNull();
      expect(await store.checkpoint(p)).toBeNull();
      await seed([['a', { n: 2 }]], 1n);
      expect(await store.get(c, 'a')).toEqual({ _id: 'a', n: 2 });
    });

    it('accepts declared indexes and still answers the same', async () => {
      await store.ensureIndexes(c, [{ name: 'by_tenant_at', fields: ['tenant', 'at'] }]);
      await seed([['x', { tenant: 'T', at: 1 }]]);
      expect((await store.find(c, { filter: { tenant: 'T' }, sort: [['at', 1]] })).items).toHaveLength(1);
    });
  });
}
