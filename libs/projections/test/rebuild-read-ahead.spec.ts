import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore, EventStoreUnavailableError, JsonObject, SqliteEventStore } from '@app/event-store';
import { SqliteReadModelStore } from '@app/read-models';
import { ALL_PROJECTIONS, ProjectionApplier, rebuildProjections } from '../src';
import { writeLedgerBacklog } from '../../../test/support/ledger-backlog';
import { documentsIn } from './support/read-model-documents';

/**
 * A rebuild reads the log through the SQLite store's read-ahead (a reader thread, events whose metadata is parsed
 * when first read): it must give exactly the read models of a rebuild paging through readAll and of the live
 * engine, stop at the head it took at its start, and fail whole when the read fails.
 */
describe('a rebuild reading ahead on the reader thread', () => {
  let dir: string;
  let events: SqliteEventStore;
  let written: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rebuild-ahead-'));
    events = new SqliteEventStore({ file: join(dir, 'events.db') });
    written = await writeLedgerBacklog(events, { tenants: 3, commandsPerTenant: 300 });
    written += await copyWithUnicodeAndVersions(events, 'Tenant1', 'Tënant😀');
  });
  afterAll(async () => {
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the read models of a rebuild through readAll and of the live engine', async () => {
    const ahead = new SqliteReadModelStore({ file: join(dir, 'ahead.db') });
    const paged = new SqliteReadModelStore({ file: join(dir, 'paged.db') });
    const live = new SqliteReadModelStore({ file: join(dir, 'live.db') });
    const readAll = jest.spyOn(events, 'readAll');
    try {
      expect((await rebuildProjections(events, ahead, ALL_PROJECTIONS, { batchSize: 111 })).events).toBe(written);
      // The read-ahead was what read: not one readAll.
      expect(readAll).not.toHaveBeenCalled();
      readAll.mockRestore();
      await rebuildProjections(withoutReadAhead(events), paged, ALL_PROJECTIONS, { batchSize: 111 });
      const applier = new ProjectionApplier(live, ALL_PROJECTIONS);
      await applier.prepare();
      for (let after: bigint | undefined; ;) {
        const page = await events.readAll({ afterPosition: after, maxCount: 53 });
        if (page.length === 0) break;
        await applier.apply(page);
        after = page[page.length - 1].position;
      }
      const rebuilt = documentsIn(join(dir, 'ahead.db'));
      expect(rebuilt.some((row) => row.id.includes('Tënant😀|üser😀'))).toBe(true);
      expect(rebuilt).toEqual(documentsIn(join(dir, 'paged.db')));
      expect(rebuilt).toEqual(documentsIn(join(dir, 'live.db')));
    } finally {
      readAll.mockRestore();
      await Promise.all([ahead.close(), paged.close(), live.close()]);
    }
  });

  it('stops at the head taken at its start while appends go on', async () => {
    const store = new SqliteReadModelStore({ file: join(dir, 'bounded.db') });
    const head = (await events.headPosition())!;
    const appends: Array<Promise<unknown>> = [];
    try {
      const { events: applied } = await rebuildProjections(events, store, ALL_PROJECTIONS, {
        batchSize: 200,
        // Between pages: more events appended, durable long before the rebuild ends.
        onProgress: () => void appends.push(copyWithUnicodeAndVersions(events, 'Tenant2', `Late${appends.length}`)),
      });
      await Promise.all(appends);
      expect(appends.length).toBeGreaterThan(3);
      expect((await events.headPosition())! > head).toBe(true);
      expect(applied).toBe(written);
      for (const projection of ALL_PROJECTIONS) expect(await store.checkpoint(projection.name)).toBe(head);
    } finally {
      await store.close();
    }
  });

  it('fails when the read fails, leaving the read models not rebuilt', async () => {
    const file = join(dir, 'corrupt.db');
    const corrupt = new SqliteEventStore({ file });
    const store = new SqliteReadModelStore({ file: join(dir, 'after-failure.db') });
    try {
      await writeLedgerBacklog(corrupt, { tenants: 2, commandsPerTenant: 200 });
      const side = new Database(file);
      side.prepare('UPDATE events SET data = ? WHERE position = 300').run('{"userId": truncated');
      side.close();
      await expect(rebuildProjections(corrupt, store, ALL_PROJECTIONS)).rejects.toThrow(EventStoreUnavailableError);
      await expect(rebuildProjections(corrupt, store, ALL_PROJECTIONS)).rejects.toThrow(
        'the data of the event at position 300 is not JSON',
      );
      for (const projection of ALL_PROJECTIONS) expect(await store.checkpoint(projection.name)).toBeNull();
      expect(documentsIn(join(dir, 'after-failure.db'))).toEqual([]);
    } finally {
      await store.close();
      await corrupt.close();
    }
  });
});

/** The store as one without the read-ahead capability (KurrentDB, MongoDB): a rebuild pages through readAll. */
function withoutReadAhead(store: EventStore): EventStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'readAllAhead') return undefined;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * A tenant's ledger copied to another stream with non-ASCII and astral characters in its name and user ids, and
 * metadata that names schema version 1 or carries escapes (the read-ahead parses such metadata; other not at all).
 */
async function copyWithUnicodeAndVersions(events: EventStore, from: string, to: string): Promise<number> {
  const read = await events.readStream(`ledger-${from}`);
  if (read.status !== 'found') throw new Error(`no ledger for ${from}`);
  const copies = read.events.map((event, i) => ({
    type: event.type,
    data: JSON.parse(JSON.stringify(event.data).replace(/"user(\d+)"/g, '"üser😀$1"')) as JsonObject,
    metadata: {
      tenant: to,
      actor: i % 5 === 0 ? 'an "actor" wïth\\escapes' : 'copy',
      ...(i % 3 === 0 ? { schemaVersion: 1 } : {}),
    },
  }));
  for (let i = 0; i < copies.length; i += 500)
    await events.append(`ledger-${to}`, copies.slice(i, i + 500), i === 0 ? 'no_stream' : i - 1);
  return copies.length;
}
