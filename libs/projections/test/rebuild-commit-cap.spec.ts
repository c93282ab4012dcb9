import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { ReadModelStore, SqliteReadModelStore } from '@app/read-models';
import { ALL_PROJECTIONS, rebuildProjections } from '../src';
import { writeLedgerBacklog } from '../../../test/support/ledger-backlog';

/** Issue 13, item 14: a rebuild never defers more document writes into one commit than the store allows. */
describe('rebuild commit size', () => {
  it("commits a rebuild in pieces no larger than the store's maxWritesPerCommit", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rebuild-cap-'));
    const events = new SqliteEventStore({ file: join(dir, 'events.db') });
    const store = new SqliteReadModelStore({ file: join(dir, 'read-models.db') });
    try {
      await writeLedgerBacklog(events, { tenants: 20, commandsPerTenant: 20 });
      const writesPerCommit: number[] = [];
      // The store as a capped one (MongoDB's cap, scaled down), counting the writes of each commit.
      const capped = new Proxy(store, {
        get(target, property) {
          if (property === 'maxWritesPerCommit') return 10;
          if (property === 'commit') {
            return (...[name, checkpoint, work]: Parameters<ReadModelStore['commit']>) =>
              target.commit(name, checkpoint, async (writer) => {
                let writes = 0;
                await work({
                  ...writer,
                  upsert: (...args) => (writes++, writer.upsert(...args)),
                  delete: (...args) => (writes++, writer.delete(...args)),
                });
                writesPerCommit.push(writes);
              });
          }
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      await rebuildProjections(events, capped, ALL_PROJECTIONS, { batchSize: 50 });
      expect(writesPerCommit.filter((writes) => writes > 0).length).toBeGreaterThan(ALL_PROJECTIONS.length);
      // A commit closes once the cap is reached; one page of 50 events adds at most a page's documents beyond it.
      for (const writes of writesPerCommit) expect(writes).toBeLessThan(10 + 50 * 4);
    } finally {
      await store.close();
      await events.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
