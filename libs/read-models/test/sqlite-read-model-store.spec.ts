import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteReadModelStore, type ReadModelWriter } from '../src';

describe('sqlite read-model indexes', () => {
  it('index one collection only, and serve its queries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rm-indexes-'));
    const file = join(dir, 'read-models.db');
    const store = new SqliteReadModelStore({ file });
    try {
      await store.ensureIndexes('owners', [{ name: 'by_tenant', fields: ['tenant', 'name'] }]);
      await store.commit('p', 1n, async (writer) => {
        for (let i = 0; i < 20; i++) await writer.upsert('owners', `o${i}`, { tenant: `t${i % 4}`, name: `n${i}` });
        for (let i = 0; i < 100; i++) await writer.upsert('holdings', `h${i}`, { tenant: `t${i % 4}` });
      });
      expect((await store.find('owners', { filter: { tenant: 't1' }, sort: [['name', 1]] })).items).toHaveLength(5);

      const db = new Database(file, { readonly: true });
      try {
        // Documents of other collections take no room in the index, and pay nothing for it when written.
        const index = db
          .prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'rm_partial_owners_by_tenant'")
          .get() as { sql: string };
        expect(index.sql).toMatch(/WHERE collection = 'owners'$/);
        const plan = db
          .prepare(
            "EXPLAIN QUERY PLAN SELECT id FROM rm_documents WHERE collection = 'owners' AND json_extract(doc, '$.tenant') = ? ORDER BY json_extract(doc, '$.name'), id",
          )
          .all('t1') as Array<{ detail: string }>;
        expect(plan.map((step) => step.detail).join('\n')).toMatch(
          /USING (COVERING )?INDEX rm_partial_owners_by_tenant/,
        );
      } finally {
        db.close();
      }
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a collection name that is not a plain identifier, since it is written into SQL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rm-indexes-'));
    const store = new SqliteReadModelStore({ file: join(dir, 'read-models.db') });
    try {
      await expect(store.ensureIndexes("x' OR 1=1 --", [{ name: 'i', fields: ['a'] }])).rejects.toThrow(
        /not a collection name/,
      );
      await expect(store.find("x'; DROP TABLE rm_documents; --")).rejects.toThrow(/not a collection name/);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Issue 15, goal 4: what the store asks of SQLite per live batch. Statements are counted as they run, on the
 * connection they run on (every statement of either connection is prepared through `Database.prototype.prepare`).
 */
describe('sqlite read-model store, per batch', () => {
  type Ran = { sql: string; writer: boolean };
  let ran: Ran[];
  let dir: string;
  let store: SqliteReadModelStore;

  beforeEach(() => {
    ran = [];
    const prepare = Database.prototype.prepare;
    jest.spyOn(Database.prototype, 'prepare').mockImplementation(function (this: Database.Database, sql: string) {
      const statement = prepare.call(this, sql);
      const writer = !this.readonly;
      for (const method of ['run', 'get', 'all'] as const) {
        const original = statement[method].bind(statement) as (...args: unknown[]) => unknown;
        Object.assign(statement, {
          [method]: (...args: unknown[]) => {
            ran.push({ sql, writer });
            return original(...args);
          },
        });
      }
      return statement;
    });
    dir = mkdtempSync(join(tmpdir(), 'rm-batch-'));
    store = new SqliteReadModelStore({ file: join(dir, 'read-models.db') });
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves each projection checkpoint with one statement, forwards only', async () => {
    await store.commitMany(['a', 'b', 'c'].map((projection) => ({ projection, checkpoint: 5n, work: async () => {} })));
    ran = [];
    const parts = ['a', 'b', 'c'].map((projection) => ({
      projection,
      checkpoint: 9n,
      work: async (w: ReadModelWriter) => w.upsert('docs', projection, { n: 1 }),
    }));
    await store.commitMany(parts);
    const checkpointStatements = ran.filter(({ sql }) => sql.includes('rm_checkpoints'));
    // One upsert per projection, no read of the stored checkpoint first.
    expect(checkpointStatements.map(({ sql }) => sql.split(' ')[0])).toEqual(['INSERT', 'INSERT', 'INSERT']);
    expect(await Promise.all(['a', 'b', 'c'].map((p) => store.checkpoint(p)))).toEqual([9n, 9n, 9n]);

    // Still refused at or below the stored checkpoint, and within one group from a projection's own first part;
    // the refused group writes nothing.
    await expect(store.commit('a', 9n, async (w) => w.upsert('docs', 'x', { n: 2 }))).rejects.toThrow(
      'projection a is at 9; refusing to apply up to 9 again',
    );
    const twice = [10n, 10n].map((checkpoint) => ({
      projection: 'b',
      checkpoint,
      work: async (w: ReadModelWriter) => w.upsert('docs', `y${checkpoint}`, { n: 3 }),
    }));
    await expect(store.commitMany(twice)).rejects.toThrow('projection b is at 10; refusing to apply up to 10 again');
    expect(await store.get('docs', 'x')).toBeNull();
    expect(await store.get('docs', 'y10')).toBeNull();
    expect(await store.checkpoint('b')).toBe(9n);
  });

  it('reads between transactions through the writing connection, and only committed documents during one', async () => {
    await store.commit('p', 1n, async (w) => w.upsert('docs', 'a', { n: 1 }));
    ran = [];
    expect([...(await store.getMany('docs', ['a', 'b']))]).toEqual([['a', { n: 1 }]]);
    expect(await store.checkpoint('p')).toBe(1n);
    expect(ran.map(({ writer }) => writer)).toEqual([true, true]);

    // A transaction spans awaits: a read that comes in the middle of it must not see what it has not committed.
    let midway: Map<string, unknown> | undefined;
    ran = [];
    await store.commit('p', 2n, async (w) => {
      await w.upsert('docs', 'b', { n: 2 });
      midway = await store.getMany('docs', ['a', 'b']);
    });
    expect(midway && [...midway]).toEqual([['a', { n: 1 }]]);
    expect(ran.filter(({ sql }) => sql.startsWith('SELECT id, doc')).map(({ writer }) => writer)).toEqual([false]);
    expect([...(await store.getMany('docs', ['a', 'b']))]).toEqual([
      ['a', { n: 1 }],
      ['b', { n: 2 }],
    ]);
  });
});
