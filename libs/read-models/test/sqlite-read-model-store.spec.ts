import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteReadModelStore } from '../src';

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
