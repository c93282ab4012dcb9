import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertPageableSort, SqliteReadModelStore, UnpageableSortError } from '../src';
import { toMongoFind } from '../src/mongodb/mongo-find';

/** Issue 13, item 15: keyset paging never skips documents whose sort value is missing, null or of another type. */
describe('paged sorts', () => {
  let dir: string;
  let store: SqliteReadModelStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pageable-sort-'));
    store = new SqliteReadModelStore({ file: join(dir, 'read-models.db') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const put = (documents: Record<string, Record<string, unknown>>) =>
    store.commit('p', 1n, async (writer) => {
      for (const [id, document] of Object.entries(documents)) await writer.upsert('items', id, document);
    });

  it('refuses to page on a field that some documents lack or hold null in (SQLite)', async () => {
    await put({ a: { n: 3 }, b: { n: null }, c: { n: 1 }, d: {} });
    await expect(store.find('items', { sort: [['n', -1]], limit: 2 })).rejects.toBeInstanceOf(UnpageableSortError);
    await expect(store.find('items', { sort: [['n', -1]], limit: 2 })).rejects.toThrow(
      /cannot page items sorted by 'n': some documents hold null, no value/,
    );
    // Unpaged, the sort is well defined and nothing can be skipped: answered.
    expect((await store.find('items', { sort: [['n', 1]] })).items).toHaveLength(4);
  });

  it('refuses to page on a field of mixed types, and pages a uniform one completely (SQLite)', async () => {
    await put({ a: { n: 3 }, b: { n: 'x' } });
    await expect(store.find('items', { sort: [['n', 1]], limit: 1 })).rejects.toThrow(
      /its values mix number and string/,
    );
    await expect(store.find('items', { sort: [['n', 1]], limit: 1, idPrefix: 'a' })).resolves.toMatchObject({
      items: [{ _id: 'a' }],
    });
  });

  it('asks MongoDB for the types of each paged sort field among the matching documents, cursor aside', () => {
    const { sortTypeChecks } = toMongoFind({
      filter: { tenant: 'T' },
      sort: [['sequence', -1]],
      limit: 10,
      cursor: Buffer.from(JSON.stringify([5, 'id'])).toString('base64url'),
    });
    expect(sortTypeChecks).toEqual([
      {
        field: 'sequence',
        pipeline: [{ $match: { tenant: 'T' } }, { $group: { _id: { $type: '$sequence' } } }, { $limit: 10 }],
      },
    ]);
    expect(toMongoFind({ sort: [['sequence', -1]] }).sortTypeChecks).toEqual([]);
    expect(() => assertPageableSort('feed', 'sequence', ['int', 'missing'])).toThrow(UnpageableSortError);
    expect(() => assertPageableSort('feed', 'sequence', ['int', 'string'])).toThrow(/mix number and string/);
    expect(() => assertPageableSort('feed', 'sequence', ['int', 'double', 'long'])).not.toThrow();
  });
});
