import fs, { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreUnavailableError, RecordedEvent, SqliteEventStore, WalSyncer } from '../src';

/**
 * synchronous=FULL without blocking the event loop: SQLite commits with NORMAL and the store syncs the WAL itself,
 * answering an append only once a sync that started after its commit has completed. A held syncer shows what waits
 * for what; nothing here depends on timing (the store's own setImmediate flush is waited for by counting syncs).
 */
class HeldSyncer implements WalSyncer {
  started = 0;
  closed = false;
  private held: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];

  sync(): Promise<void> {
    this.started++;
    return new Promise((resolve, reject) => this.held.push({ resolve, reject }));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  get inFlight(): number {
    return this.held.length;
  }

  release(): void {
    this.settle((waiter) => waiter.resolve());
  }

  fail(error: Error): void {
    this.settle((waiter) => waiter.reject(error));
  }

  private settle(how: (waiter: { resolve: () => void; reject: (error: Error) => void }) => void): void {
    const held = this.held;
    this.held = [];
    held.forEach(how);
  }
}

/** A promise's state, readable without awaiting it. */
function track<T>(promise: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let settled = false;
  const tracked = promise.finally(() => (settled = true));
  tracked.catch(() => undefined); // read through `promise` by the test; this copy only records settlement
  return { settled: () => settled, promise };
}

/** Lets the event loop turn until `condition` holds (the store flushes on setImmediate); no clock involved. */
async function turnsUntil(condition: () => boolean, turns = 200): Promise<void> {
  for (let i = 0; i < turns && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!condition()) throw new Error('condition not reached');
}

/** A few turns of the event loop: enough for anything already signalled to run its course. */
const someTurns = () => turnsUntil(() => false, 20).catch(() => undefined);

const event = (n: number) => ({ type: 'Counted', data: { n } });

describe('SqliteEventStore WAL sync (synchronous=FULL)', () => {
  let dir: string;
  let file: string;
  let syncer: HeldSyncer;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wal-sync-'));
    file = join(dir, 'events.db');
    syncer = new HeldSyncer();
    store = new SqliteEventStore({ file, walSyncer: syncer, pollIntervalMs: 5_000 });
  });
  afterEach(async () => {
    syncer.release();
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers an append only after its sync; until then readAll, headPosition and subscribers do not show it', async () => {
    const seen: RecordedEvent[] = [];
    const subscription = store.subscribeToAll();
    const reading = (async () => {
      for await (const recorded of subscription) seen.push(recorded);
    })();

    const append = track(store.append('s', [event(1)], 'no_stream'));
    await turnsUntil(() => syncer.inFlight === 1);
    const readAll = track(store.readAll());
    const head = track(store.headPosition());
    await someTurns();
    expect(append.settled()).toBe(false);
    expect(readAll.settled()).toBe(false); // it waits for the sync covering what it would read
    expect(head.settled()).toBe(false);
    expect(seen).toEqual([]);

    syncer.release();
    const result = await append.promise;
    expect((await readAll.promise).map((recorded) => recorded.position)).toEqual([result.position]);
    expect(await head.promise).toBe(result.position);
    await turnsUntil(() => seen.length === 1);
    expect(seen[0].position).toBe(result.position);
    await subscription.stop();
    await reading;
  });

  it('commits made while a sync is in flight wait for the next one, and share it', async () => {
    const commitsBefore = store.commits;
    const first = track(store.append('a', [event(1)], 'no_stream'));
    await turnsUntil(() => syncer.inFlight === 1);
    const later: Array<ReturnType<typeof track>> = [];
    for (const stream of ['b', 'c', 'd']) {
      // Separate ticks: separate commits, all made while the first sync is in flight.
      later.push(track(store.append(stream, [event(2)], 'no_stream')));
      await turnsUntil(() => store.commits - commitsBefore === later.length + 1);
    }
    expect(syncer.started).toBe(1);

    syncer.release();
    await first.promise;
    await turnsUntil(() => syncer.inFlight === 1);
    expect(syncer.started).toBe(2); // one sync for the three commits
    await someTurns();
    expect(later.map((append) => append.settled())).toEqual([false, false, false]);

    syncer.release();
    await Promise.all(later.map((append) => append.promise));
    expect(store.walSyncs).toBe(2);
    expect(store.commits - commitsBefore).toBe(4);
  });

  it('a failed sync fails the appends waiting for it, refuses further appends, and loses nothing acknowledged', async () => {
    const acknowledged = await (async () => {
      const append = store.append('kept', [event(1)], 'no_stream');
      await turnsUntil(() => syncer.inFlight === 1);
      syncer.release();
      return append;
    })();
    const failing = store.append('lost', [event(2)], 'no_stream');
    await turnsUntil(() => syncer.inFlight === 1);
    const queued = store.append('queued', [event(3)], 'no_stream');
    await turnsUntil(() => store.commits === 3);

    const unflushed = store.append('unflushed', [event(5)], 'no_stream'); // its flush comes after the failure
    syncer.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    const outcomes = await Promise.allSettled([failing, queued, unflushed]);
    for (const outcome of outcomes) {
      expect(outcome.status === 'rejected' && outcome.reason instanceof EventStoreUnavailableError).toBe(true);
    }
    expect(store.commits).toBe(3); // nothing more is written after a failed sync
    await expect(store.append('after', [event(4)], 'no_stream')).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(syncer.started).toBe(2); // never retried: a failed fsync is not retryable
    expect((await store.health()).status).toBe('down');
    // Readers still answer, with the durable part only.
    expect((await store.readAll()).map((recorded) => recorded.stream)).toEqual(['kept']);
    expect(await store.headPosition()).toBe(acknowledged.position);

    await store.close();
    store = new SqliteEventStore({ file, synchronous: 'NORMAL' });
    const reopened = await store.readAll();
    expect(reopened.find((recorded) => recorded.stream === 'kept')?.position).toBe(acknowledged.position);
  });

  it('close() waits for the pending sync and answers the appends it covers', async () => {
    const append = track(store.append('s', [event(1)], 'no_stream'));
    await turnsUntil(() => syncer.inFlight === 1);
    const unflushed = track(store.append('t', [event(2)], 'no_stream')); // committed by close(), synced after
    const closing = track(store.close());
    await someTurns();
    expect([append.settled(), unflushed.settled(), closing.settled(), syncer.closed]).toEqual([
      false,
      false,
      false,
      false,
    ]);

    syncer.release();
    await append.promise;
    await turnsUntil(() => syncer.inFlight === 1);
    syncer.release();
    await unflushed.promise;
    await closing.promise;
    expect(syncer.closed).toBe(true);
  });

  it('readers see events another connection wrote once their own sync covers them', async () => {
    const writer = new SqliteEventStore({ file, synchronous: 'NORMAL' });
    try {
      const written = await writer.append('other', [event(1)], 'no_stream');
      const readAll = track(store.readAll());
      await turnsUntil(() => syncer.inFlight === 1);
      expect(readAll.settled()).toBe(false);
      syncer.release();
      expect((await readAll.promise).map((recorded) => recorded.position)).toEqual([written.position]);
    } finally {
      await writer.close();
    }
  });

  it.each(['NORMAL', 'EXTRA'] as const)('at %s the store never syncs the WAL itself', async (synchronous) => {
    const own = new SqliteEventStore({ file: join(dir, `${synchronous}.db`), synchronous, walSyncer: syncer });
    try {
      await own.append('s', [event(1)], 'no_stream');
      expect((await own.readAll()).length).toBe(1);
      expect(own.walSyncs).toBe(0);
      expect(syncer.started).toBe(0);
    } finally {
      await own.close();
    }
  });
});

describe('SqliteEventStore default WAL syncer', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'wal-fdatasync-'))));
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fdatasyncs the -wal file, off the event loop, after each group of commits', async () => {
    const file = join(dir, 'events.db');
    const synced: number[] = [];
    const fdatasync = fs.fdatasync;
    jest.spyOn(fs, 'fdatasync').mockImplementation((fd, callback) => {
      synced.push(fs.fstatSync(fd).ino);
      fdatasync(fd, callback);
    });
    const store = new SqliteEventStore({ file });
    try {
      await Promise.all([store.append('a', [event(1)], 'no_stream'), store.append('b', [event(2)], 'no_stream')]);
      const wal = fs.statSync(`${file}-wal`).ino;
      expect(synced).toEqual([wal]);
      expect(store.walSyncs).toBe(1);
    } finally {
      await store.close();
    }
  });
});
