import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreClosedError, SqliteEventStore } from '../src';
import { SqliteAppendMarks } from '../src/sqlite/sqlite-append-mark';
import { HeldSyncer, turnsUntil } from './support/held-syncer';
import { commitFromAnotherConnection } from './support/raw-commit';

/**
 * Issue 15, goal 4: the SQLite store's mark of one stream (the port's `streamMark`), and the append result's mark
 * (`AppendResult.streamMark`). Equal marks promise that nothing was appended to the stream in between, by this store
 * or by another connection to the file (another process), so a runner may skip its catch-up read; appends to other
 * streams by this store leave it alone (a usage record appends to its month, and reads its tenant's ledger).
 */

const event = (n: number) => ({ type: 'Counted', data: { n } });
/** The next turn of the event loop: the store asks `data_version` once per turn. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('SqliteEventStore stream marks', () => {
  let dir: string;
  let store: SqliteEventStore;
  let other: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stream-marks-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db') });
    other = new SqliteEventStore({ file: join(dir, 'events.db') }); // another connection, as another process holds
  });
  afterEach(async () => {
    await store.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives each append the stream's mark right after it, which stays while the stream is not appended to", async () => {
    const first = await store.append('s-1', [event(1)], 'no_stream');
    expect(first.streamMark).toBe(store.streamMark('s-1'));
    await store.append('s-2', [event(2)], 'no_stream');
    await store.readStream('s-1');
    await store.readAll();
    expect(store.streamMark('s-1')).toBe(first.streamMark);
    const second = await store.append('s-1', [event(3)], 0);
    expect(second.streamMark).not.toBe(first.streamMark);
    expect(store.streamMark('s-1')).toBe(second.streamMark);
  });

  it('gives no mark to an append answered as a repeat (nothing was written)', async () => {
    const repeated = { id: '0b8f4c2e-6a1d-4e7b-9c3f-2d5a8e1b7c60', ...event(1) };
    await store.append('s-1', [repeated], 'no_stream');
    const repeat = await store.append('s-1', [repeated], 'no_stream');
    expect(repeat).toMatchObject({ written: false });
    expect(repeat.streamMark).toBeUndefined();
  });

  it("moves every stream's mark after another connection's commit, from the next turn of the event loop", async () => {
    const { streamMark } = await store.append('s-1', [event(1)], 'no_stream');
    await nextTurn();
    expect(store.streamMark('s-1')).toBe(streamMark);
    const untouched = store.streamMark('s-9');
    await other.append('s-2', [event(2)], 'no_stream'); // another stream: we cannot tell which, so every mark moves
    await nextTurn();
    expect(store.streamMark('s-1')).not.toBe(streamMark);
    expect(store.streamMark('s-9')).not.toBe(untouched);
  });

  it("asks for other connections' commits once per turn of the event loop, and again in the next turn", async () => {
    const { streamMark } = await store.append('s-1', [event(1)], 'no_stream');
    expect(store.streamMark('s-1')).toBe(streamMark); // this turn's answer about other connections is taken here
    // Another process's commit made synchronously within this very turn (a raw connection commits at once).
    commitFromAnotherConnection(join(dir, 'events.db'), 's-1', 1);
    expect(store.streamMark('s-1')).toBe(streamMark);
    await nextTurn();
    expect(store.streamMark('s-1')).not.toBe(streamMark);
  });

  it('refuses once the store is closed', async () => {
    await store.close();
    expect(() => store.streamMark('s-1')).toThrow(EventStoreClosedError);
  });
});

describe('SqliteAppendMarks', () => {
  it('keeps its memory fixed: streams sharing a slot move each other’s marks, never keep a changed one', () => {
    const db = new Database(':memory:');
    try {
      const marks = new SqliteAppendMarks(db, () => false, 0); // one slot: every stream shares it
      const a = marks.appended('a');
      expect(marks.stream('a')).toBe(a);
      const b = marks.stream('b');
      marks.appended('b');
      expect(marks.stream('b')).not.toBe(b);
      expect(marks.stream('a')).not.toBe(a); // moved needlessly, by its neighbour's append
      const again = marks.stream('a');
      marks.appended('a');
      expect(marks.stream('a')).toBeGreaterThan(again);
    } finally {
      db.close();
    }
  });

  it('spreads streams over its slots: one stream’s appends leave the others alone', () => {
    const db = new Database(':memory:');
    try {
      const marks = new SqliteAppendMarks(db);
      const streams = Array.from({ length: 50 }, (_, month) => `metering-T-${2026 + Math.floor(month / 12)}-${month}`);
      const before = streams.map((stream) => marks.stream(stream));
      marks.appended('ledger-T');
      expect(streams.map((stream) => marks.stream(stream))).toEqual(before);
    } finally {
      db.close();
    }
  });
});

describe('SqliteEventStore stream marks after a failed WAL sync', () => {
  it('moves every mark on every ask: nothing cached may stand for what the file holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stream-marks-failed-'));
    const syncer = new HeldSyncer();
    const store = new SqliteEventStore({ file: join(dir, 'events.db'), walSyncer: syncer, pollIntervalMs: 5_000 });
    try {
      const lost = store.append('s-1', [event(1)], 'no_stream');
      await turnsUntil(() => syncer.inFlight === 1);
      const mark = store.streamMark('s-1');
      syncer.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
      await expect(lost).rejects.toThrow(/durable/);
      const after = store.streamMark('s-1');
      expect(after).not.toBe(mark);
      expect(store.streamMark('s-1')).not.toBe(after);
    } finally {
      syncer.release();
      await store.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
