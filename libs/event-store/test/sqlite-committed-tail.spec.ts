import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonObject, SqliteEventStore } from '../src';
import { HeldSyncer, turnsUntil } from './support/held-syncer';
import { ordered, Reader, startReader, until } from './support/tail-readers';

/**
 * The committed tail: a live page after the store's own commit is served from the events that commit already held,
 * with no read of SQLite; a page with another connection's append in it, one that failed to become durable, a
 * repeat that wrote nothing, or a page older than the tail holds, is read from SQLite as before.
 */
describe('SqliteEventStore committed tail', () => {
  let dir: string;
  let file: string;
  const stores: SqliteEventStore[] = [];
  const readers: Reader[] = [];
  /** The SQL of every statement that read event rows (`SELECT * FROM events …`: pages, readAll, readStream). */
  let rowReads: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'committed-tail-'));
    file = join(dir, 'events.db');
    rowReads = [];
    const probe = new Database(':memory:');
    const statement: object = Object.getPrototypeOf(probe.prepare('SELECT 1'));
    probe.close();
    for (const method of ['all', 'get', 'iterate'] as const) {
      const original = Reflect.get(statement, method) as (...args: unknown[]) => unknown;
      jest.spyOn(statement as Record<typeof method, typeof original>, method).mockImplementation(function (
        this: Database.Statement,
        ...args: unknown[]
      ) {
        if (this.source.startsWith('SELECT * FROM events')) rowReads.push(this.source);
        return original.apply(this, args);
      });
    }
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await Promise.all(readers.splice(0).map((reader) => reader.stop()));
    await Promise.all(stores.splice(0).map((store) => store.close().catch(() => undefined)));
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (options: Partial<ConstructorParameters<typeof SqliteEventStore>[0]> = {}) => {
    const store = new SqliteEventStore({ file, pollIntervalMs: 5, ...options });
    stores.push(store);
    return store;
  };
  const read = (store: SqliteEventStore) => {
    const reader = startReader(store);
    readers.push(reader);
    return reader;
  };
  const event = (n: number, data: JsonObject = { n }) => ({ id: randomUUID(), type: 'Counted', data });

  it('serves a live page after an own commit without reading SQLite, the same events readAll reads', async () => {
    const store = open();
    await store.append('s-1', [event(1)], 'no_stream');
    const reader = read(store);
    await until(() => reader.seen.length === 1);

    rowReads = [];
    await store.append('s-1', [event(2), event(3)], 0);
    await store.append('s-2', [event(4)], 'no_stream');
    await until(() => reader.seen.length === 4);
    expect(rowReads).toEqual([]);
    expect(ordered(reader.seen)).toStrictEqual(ordered(await store.readAll()));
  });

  it("reads SQLite for a page with another connection's append in it, then serves own commits again", async () => {
    const store = open();
    const other = open({ synchronous: 'NORMAL' });
    await store.append('s-1', [event(1)], 'no_stream');
    const reader = read(store);
    await until(() => reader.seen.length === 1);

    rowReads = [];
    await other.append('s-2', [event(2)], 'no_stream'); // found by the subscription's poll
    await store.append('s-1', [event(3)], 0);
    await until(() => reader.seen.length === 3);
    expect(rowReads.length).toBeGreaterThan(0);

    rowReads = [];
    await store.append('s-1', [event(4)], 1);
    await until(() => reader.seen.length === 4);
    expect(rowReads).toEqual([]);
    expect(ordered(reader.seen)).toStrictEqual(ordered(await store.readAll()));
  });

  it('hands out deeply frozen events: a subscriber cannot change what the writer and the next subscriber hold', async () => {
    const store = open();
    const data = { n: 1, nested: { list: [1, { deep: true }] } };
    const reader = read(store);
    const other = read(store);
    await store.append('s-1', [{ type: 'Counted', data, metadata: { actor: 'a' } }], 'no_stream');
    await until(() => reader.seen.length === 1 && other.seen.length === 1);
    const [seen] = reader.seen;
    expect(seen.data).toBe(data); // the writer's own object, not a parsed copy
    expect(other.seen[0]).toBe(seen);
    expect(() => (data.nested.list[1] = 2)).toThrow(TypeError);
    expect(() => Object.assign(seen.metadata, { actor: 'b' })).toThrow(TypeError);
    expect(ordered(reader.seen)).toStrictEqual(ordered(await store.readAll()));
  });

  it('hands out what JSON reads back when the written object is not JSON (undefined, -0, NaN), unfrozen writer', async () => {
    const store = open();
    const data = { zero: -0, nan: NaN, n: 1 };
    const reader = read(store);
    await store.append('s-1', [{ type: 'Counted', data, metadata: { actor: undefined, tenant: 't' } }], 'no_stream');
    await until(() => reader.seen.length === 1);
    expect(reader.seen[0].data).toStrictEqual({ zero: 0, nan: null, n: 1 });
    expect(Object.keys(reader.seen[0].metadata)).toEqual(['tenant']);
    expect(Object.isFrozen(data)).toBe(false);
    expect(ordered(reader.seen)).toStrictEqual(ordered(await store.readAll()));
  });

  it('never serves a repeat that wrote nothing, though its events differ from the stored ones', async () => {
    const store = open();
    const first = { id: randomUUID(), type: 'Counted', data: { n: 1 }, metadata: { correlationId: 'first' } };
    await store.append('s-1', [first], 'no_stream');
    const repeat = await store.append('s-1', [{ ...first, metadata: { correlationId: 'second' } }], 'no_stream');
    expect(repeat.written).toBe(false);
    const reader = read(store);
    await until(() => reader.seen.length === 1);
    expect(reader.seen[0].metadata).toEqual({ correlationId: 'first' });
  });

  it('reads SQLite for a page older than the tail holds (bounded by count)', async () => {
    const store = open({ committedTail: { maxEvents: 2 } });
    await store.append('s-1', [event(1), event(2), event(3)], 'no_stream');
    rowReads = [];
    const reader = read(store);
    await until(() => reader.seen.length === 3);
    expect(rowReads.length).toBeGreaterThan(0);
    expect(ordered(reader.seen)).toStrictEqual(ordered(await store.readAll()));
  });

  it('drops the tail when a WAL sync fails: the lost commit is never handed out, pages read SQLite', async () => {
    const syncer = new HeldSyncer();
    const store = open({ walSyncer: syncer, pollIntervalMs: 5_000 });
    const reader = read(store);
    const durable = store.append('s-1', [event(1)], 'no_stream');
    await turnsUntil(() => syncer.inFlight === 1);
    syncer.release();
    await durable;
    await until(() => reader.seen.length === 1);

    rowReads = [];
    const lost = store.append('s-1', [event(2)], 0);
    await turnsUntil(() => syncer.inFlight === 1);
    syncer.fail(new Error('EIO'));
    await expect(lost).rejects.toThrow(/could not be made durable/);
    await turnsUntil(() => rowReads.length > 0); // the wake-up after the failure pages SQLite, up to the durable head
    expect(reader.seen.map((seen) => seen.data)).toEqual([{ n: 1 }]);
  });
});
