import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordedEvent, SqliteEventStore } from '../src';

/**
 * Issue 15, goal 4: the statements one commit costs, counted on better-sqlite3's prepared statements (no timings).
 * An append that names the stream's head runs the head query and its inserts, and nothing else: no lookup of its
 * first event id (no repeat can follow the head), no `SELECT MAX(position)` for the WAL sync or the subscriptions'
 * pages (the store knows its own commits' positions; another connection's commit moves `data_version`, asked once
 * per turn of the event loop), no `total_changes()`.
 */

type Method = 'run' | 'get' | 'all' | 'iterate';
const METHODS: Method[] = ['run', 'get', 'all', 'iterate'];

/** Every statement run on the file's connections, by its SQL text, from `start()` on. */
function statementCounter(file: string) {
  const scratch = new Database(':memory:');
  const prototype = Object.getPrototypeOf(scratch.prepare('SELECT 1')) as Record<
    Method,
    (...args: unknown[]) => unknown
  >;
  scratch.close();
  const spies = METHODS.map((method) => jest.spyOn(prototype, method));
  let from = spies.map(() => 0);
  return {
    start: () => (from = spies.map((spy) => spy.mock.calls.length)),
    counts: () => {
      const counts = new Map<string, number>();
      spies.forEach((spy, index) => {
        for (const statement of spy.mock.contexts.slice(from[index]) as Database.Statement[]) {
          if (statement.database.name !== file) continue;
          const sql = statement.source.replace(/\s+/g, ' ');
          counts.set(sql, (counts.get(sql) ?? 0) + 1);
        }
      });
      return counts;
    },
    count: (counts: Map<string, number>, pattern: RegExp) =>
      [...counts].filter(([sql]) => pattern.test(sql)).reduce((sum, [, n]) => sum + n, 0),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

const event = (n: number) => ({ type: 'Counted', data: { n } });
const APPENDS = 6;

describe('SqliteEventStore statements per commit', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore;
  let counter: ReturnType<typeof statementCounter>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'commit-statements-'));
    file = join(dir, 'events.db');
    store = new SqliteEventStore({ file }); // synchronous=FULL: the WAL gate syncs every commit
    counter = statementCounter(file);
  });
  afterEach(async () => {
    counter.restore();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the head query and the inserts, and nothing else, for appends that name the head', async () => {
    // A subscriber, as the in-process projections are: every commit wakes it for a page.
    const seen: RecordedEvent[] = [];
    const subscription = store.subscribeToAll();
    const reading = (async () => {
      for await (const recorded of subscription) seen.push(recorded);
    })();
    await store.append('s', [event(0)], 'no_stream');
    await store.append('t', [event(0)], 'no_stream');
    counter.start();
    for (let revision = 0; revision < APPENDS; revision++) {
      await store.append('s', [event(revision + 1), event(revision + 2)], revision === 0 ? 0 : revision * 2);
    }
    await store.append('u', [event(1)], 'no_stream'); // a new stream: no lookup either
    while (seen.length < 2 + APPENDS * 2 + 1) await new Promise((resolve) => setImmediate(resolve));
    const counts = counter.counts();
    expect(counter.count(counts, /^INSERT INTO events/)).toBe(APPENDS * 2 + 1);
    expect(counter.count(counts, /ORDER BY revision DESC LIMIT 1$/)).toBe(APPENDS + 1); // the head, once per append
    expect(counter.count(counts, /AND event_id = \?/)).toBe(0); // the repeat's lookup
    expect(counter.count(counts, /MAX\(position\)/)).toBe(0);
    expect(counter.count(counts, /total_changes/)).toBe(0);
    expect(counter.count(counts, /^SELECT (\*|1 AS one) FROM events WHERE stream/)).toBe(0); // no stream read, no existence check
    // At most once per turn of the event loop, and not every turn: each append took several.
    expect(counter.count(counts, /data_version/)).toBeLessThanOrEqual(APPENDS + 1);
    await subscription.stop();
    await reading;
  });

  it("still looks a repeat up when the expected state does not name the head ('any', an earlier revision)", async () => {
    const repeated = { id: '1c9e5d3f-7b2a-4f8c-8d4e-3e6b9f2c8d71', ...event(1) };
    await store.append('s', [repeated], 'no_stream');
    await store.append('s', [event(2)], 0);
    counter.start();
    expect(await store.append('s', [repeated], 'no_stream')).toMatchObject({ written: false, nextExpectedRevision: 0 });
    expect(await store.append('s', [repeated], 'any')).toMatchObject({ written: false });
    expect(counter.count(counter.counts(), /AND event_id = \?/)).toBe(2);
  });

  it('refuses an already recorded id by its name when the append names the head (the UNIQUE index tells)', async () => {
    const first = { id: '2d0f6e4a-8c3b-4a9d-9e5f-4f7c0a3d9e82', ...event(1) };
    await store.append('s', [first], 'no_stream');
    await expect(store.append('s', [first], 0)).rejects.toMatchObject({
      code: 'duplicate-event-id',
      eventId: first.id,
    });
    const second = { id: '3e1a7f5b-9d4c-4b0e-8f6a-5a8d1b4e0f93', ...event(2) };
    await expect(store.append('s', [second, first], 0)).rejects.toMatchObject({
      code: 'duplicate-event-id',
      eventId: first.id,
    });
    // Nothing of the refused appends was written.
    const read = await store.readStream('s');
    expect(read.status === 'found' && read.events.map((recorded) => recorded.id)).toEqual([first.id]);
  });

  it("reads the head again after another connection's commit", async () => {
    await store.append('s', [event(1)], 'no_stream');
    const other = new SqliteEventStore({ file });
    try {
      await other.append('o', [event(2)], 'no_stream');
      await new Promise((resolve) => setImmediate(resolve));
      const seen: RecordedEvent[] = [];
      const subscription = store.subscribeToAll();
      for await (const recorded of subscription) {
        seen.push(recorded);
        if (seen.length === 2) break;
      }
      expect(seen.map((recorded) => recorded.stream)).toEqual(['s', 'o']);
    } finally {
      await other.close();
    }
  });
});
