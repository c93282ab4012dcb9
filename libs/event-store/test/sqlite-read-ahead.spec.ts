import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EventStoreClosedError,
  EventStoreUnavailableError,
  decodable,
  NewEvent,
  pagedReadAll,
  Position,
  RecordedEvent,
  SqliteEventStore,
} from '../src';
import { HeldSyncer, turnsUntil } from './support/held-syncer';

/** An event as plain fields (a read-ahead event parses its metadata when first read: compared as read). */
const plain = (e: RecordedEvent) => ({
  id: e.id,
  stream: e.stream,
  revision: e.revision,
  position: e.position,
  type: e.type,
  data: e.data,
  metadata: e.metadata,
  recordedAt: e.recordedAt,
});

async function collect(pages: AsyncIterable<RecordedEvent[]>): Promise<RecordedEvent[][]> {
  const all: RecordedEvent[][] = [];
  for await (const page of pages) all.push(page);
  return all;
}

/** Events of every shape the packing must carry: non-ASCII, astral characters, escapes, large ones, versions. */
function variedEvents(stream: number, count: number): NewEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    type: i % 3 === 0 ? 'Tëst😀Happened' : 'TestHappened',
    data: {
      i,
      text: i % 5 === 0 ? 'ascii' : `ünïcødé 😀 "quoted" \\ back\nline ${'x'.repeat(i % 7 === 0 ? 70_000 : i)}`,
    },
    metadata: {
      correlationId: `c-${stream}-${i}`,
      ...(i % 4 === 0 ? { schemaVersion: 1 } : {}),
      ...(i % 6 === 0 ? { actor: 'wïth "escapes" \u0001 😀' } : {}),
    },
  }));
}

describe('SQLite readAllAhead (the log read on a reader thread)', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'read-ahead-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db') });
    for (let s = 0; s < 6; s++) await store.append(`stream-😀-${s}`, variedEvents(s, 120), 'no_stream');
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([1, 7, 100, 1000])('answers the pages readAll answers (pages of %i)', async (pageSize) => {
    const head = (await store.headPosition())!;
    const ahead = await collect(store.readAllAhead({ upTo: head, pageSize }));
    const paged = await collect(pagedReadAll(store, { upTo: head, pageSize }));
    expect(ahead.map((page) => page.length)).toEqual(paged.map((page) => page.length));
    expect(ahead.flat().map(plain)).toEqual(paged.flat().map(plain));
    expect(ahead.flat()).toHaveLength(720);
  });

  it('reads from afterPosition up to upTo, both bounds as readAll has them', async () => {
    const all = await store.readAll();
    const after = all[99].position;
    const upTo = all[500].position;
    const ahead = (await collect(store.readAllAhead({ afterPosition: after, upTo, pageSize: 64 }))).flat();
    expect(ahead.map(plain)).toEqual(all.slice(100, 501).map(plain));
    expect(await collect(store.readAllAhead({ afterPosition: upTo, upTo, pageSize: 64 }))).toEqual([]);
  });

  it('stops at upTo while appends go on', async () => {
    const upTo = (await store.headPosition())!;
    const read: RecordedEvent[] = [];
    let appended = 0;
    for await (const page of store.readAllAhead({ upTo, pageSize: 50 })) {
      read.push(...page);
      // Appended while the thread reads: committed, durable, and after the bound.
      await store.append(`late-${appended++}`, variedEvents(99, 3), 'no_stream');
    }
    expect(appended).toBeGreaterThan(10);
    expect(read).toHaveLength(720);
    expect(read[read.length - 1].position).toBe(upTo);
    expect((await store.headPosition())! > upTo).toBe(true);
  });

  it('stops the thread when the consumer stops early, and reads again afterwards', async () => {
    const upTo = (await store.headPosition())!;
    let pages = 0;
    for await (const page of store.readAllAhead({ upTo, pageSize: 10 })) {
      expect(page).toHaveLength(10);
      if (++pages === 3) break;
    }
    const again = await collect(store.readAllAhead({ upTo, pageSize: 500 }));
    expect(again.flat()).toHaveLength(720);
  });

  it('fails the read with a clear error on a row that is not JSON, and reads on after it', async () => {
    const all = await store.readAll();
    const side = new Database(join(dir, 'events.db'));
    side.prepare('UPDATE events SET data = ? WHERE position = ?').run('{not json', Number(all[300].position));
    side.close();
    const failed = collect(store.readAllAhead({ upTo: all[all.length - 1].position, pageSize: 100 }));
    await expect(failed).rejects.toThrow(EventStoreUnavailableError);
    await expect(failed).rejects.toThrow(`position ${all[300].position}`);
    const before = await collect(store.readAllAhead({ upTo: all[299].position, pageSize: 100 }));
    expect(before.flat()).toHaveLength(300);
  });

  it('fails the read when the thread cannot open the file, without hanging', async () => {
    const head = (await store.headPosition())!;
    rmSync(join(dir, 'events.db')); // this process's connection keeps the file; a new one cannot open it
    await expect(collect(store.readAllAhead({ upTo: head, pageSize: 100 }))).rejects.toThrow(
      /reading the log on the reader thread failed: .*unable to open database file/,
    );
  });

  it('fails a read in progress with EventStoreClosedError when the store closes', async () => {
    const pages = store.readAllAhead({ upTo: (await store.headPosition())!, pageSize: 10 })[Symbol.asyncIterator]();
    expect((await pages.next()).done).toBe(false);
    await store.close();
    await expect(pages.next()).rejects.toThrow(EventStoreClosedError);
  });

  it('reads no further than is durable (synchronous=FULL, a sync held)', async () => {
    const syncer = new HeldSyncer();
    const full = new SqliteEventStore({ file: join(dir, 'full.db'), walSyncer: syncer });
    try {
      const first = full.append('a', variedEvents(1, 5), 'no_stream');
      await turnsUntil(() => syncer.inFlight === 1);
      syncer.release();
      await first;
      const durable: Position = (await full.headPosition())!;
      const second = full.append('b', variedEvents(2, 5), 'no_stream');
      await turnsUntil(() => syncer.inFlight === 1);
      // Asked up to far beyond the head: waits for the sync in flight, then reads what it made durable and no more.
      const reading = collect(full.readAllAhead({ upTo: durable + 1000n, pageSize: 4 }));
      await turnsUntil(() => syncer.inFlight === 1 && syncer.started === 2);
      syncer.release();
      await second;
      const read = (await reading).flat();
      expect(read.map((e) => e.stream)).toEqual([...Array(5).fill('a'), ...Array(5).fill('b')]);
    } finally {
      syncer.release();
      await full.close();
    }
  });

  it('pages through readAll for a store in memory', async () => {
    const memory = new SqliteEventStore({ file: ':memory:' });
    try {
      await memory.append('m', variedEvents(0, 30), 'no_stream');
      const pages = await collect(memory.readAllAhead({ upTo: (await memory.headPosition())!, pageSize: 8 }));
      expect(pages.map((page) => page.length)).toEqual([8, 8, 8, 6]);
    } finally {
      await memory.close();
    }
  });
});

describe('read-ahead events and decoders (lazy metadata)', () => {
  it('shows decoders the schema version the metadata names, however it is spelt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'read-ahead-versions-'));
    const store = new SqliteEventStore({ file: join(dir, 'events.db') });
    try {
      await store.append(
        's',
        [{}, { schemaVersion: 2 }, { actor: 'a "quoted" actor' }, { actor: 'schemaVersion' }, {}].map((metadata) => ({
          type: 'T',
          data: {},
          metadata,
        })),
        'no_stream',
      );
      // A key spelt with an escape, as no writer of ours spells it, but a stored text may.
      const side = new Database(join(dir, 'events.db'));
      side.prepare('UPDATE events SET metadata = ? WHERE revision = 4').run('{"\\u0073chemaVersion":3}');
      side.close();
      const read = (await collect(store.readAllAhead({ upTo: (await store.headPosition())!, pageSize: 10 }))).flat();
      expect(read.map((e) => decodable(e).metadata.schemaVersion)).toEqual([undefined, 2, undefined, undefined, 3]);
      // Only the first, plain one is handed to decoders as a copy without its metadata; its own is intact.
      expect(read.map((e) => decodable(e) === e)).toEqual([false, true, true, true, true]);
      expect(read.map((e) => e.metadata)).toEqual([
        {},
        { schemaVersion: 2 },
        { actor: 'a "quoted" actor' },
        { actor: 'schemaVersion' },
        { schemaVersion: 3 },
      ]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
