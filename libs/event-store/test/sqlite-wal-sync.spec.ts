import fs, { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreUnavailableError, RecordedEvent, SqliteEventStore } from '../src';
import { HeldSyncer, someTurns, track, turnsUntil } from './support/held-syncer';

/**
 * synchronous=FULL without blocking the event loop: SQLite commits with NORMAL and the store syncs the WAL itself,
 * answering an append only once a sync that started after its commit has completed. A held syncer shows what waits
 * for what; nothing here depends on timing (the store's own setImmediate flush is waited for by counting syncs).
 */
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

  it('starts a second sync at once for a commit made during the first; commits made while two are in flight share the next', async () => {
    const commitsBefore = store.commits;
    const first = track(store.append('a', [event(1)], 'no_stream'));
    await turnsUntil(() => syncer.inFlight === 1);
    const second = track(store.append('b', [event(2)], 'no_stream'));
    await turnsUntil(() => syncer.inFlight === 2); // it does not wait for the first sync to end
    const later: Array<ReturnType<typeof track>> = [];
    for (const stream of ['c', 'd']) {
      // Separate ticks: separate commits, all made while two syncs are in flight.
      later.push(track(store.append(stream, [event(3)], 'no_stream')));
      await turnsUntil(() => store.commits - commitsBefore === later.length + 2);
    }
    expect(syncer.started).toBe(2); // no third while two are in flight

    syncer.release();
    await Promise.all([first.promise, second.promise]);
    await turnsUntil(() => syncer.inFlight === 1);
    expect(syncer.started).toBe(3); // one sync for the two commits
    await someTurns();
    expect(later.map((append) => append.settled())).toEqual([false, false]);

    syncer.release();
    await Promise.all(later.map((append) => append.promise));
    expect(store.walSyncs).toBe(3);
    expect(store.commits - commitsBefore).toBe(4);
  });

  it('a sync that completes before one started earlier answers the waiters of both, and the earlier one changes nothing', async () => {
    const first = track(store.append('a', [event(1)], 'no_stream'));
    await turnsUntil(() => syncer.inFlight === 1);
    const second = track(store.append('b', [event(2)], 'no_stream'));
    await turnsUntil(() => syncer.inFlight === 2);
    const seen: RecordedEvent[] = [];
    const subscription = store.subscribeToAll();
    const reading = (async () => {
      for await (const recorded of subscription) seen.push(recorded);
    })();

    // The later sync began after both commits: its completion makes both durable.
    syncer.releaseOne('last');
    const [a, b] = await Promise.all([first.promise, second.promise]);
    expect((await store.readAll()).map((recorded) => recorded.position)).toEqual([a.position, b.position]);
    expect(await store.headPosition()).toBe(b.position);
    await turnsUntil(() => seen.length === 2);

    syncer.releaseOne('first');
    await someTurns();
    expect(store.walSyncs).toBe(2);
    expect(seen.map((recorded) => recorded.position)).toEqual([a.position, b.position]);
    // The gate is not failed: the next append goes through, with a sync of its own.
    const third = store.append('c', [event(3)], 'no_stream');
    await turnsUntil(() => syncer.inFlight === 1);
    syncer.release();
    await expect(third).resolves.toMatchObject({ written: true });
    await subscription.stop();
    await reading;
  });

  it('a failed sync fails the waiters of every sync in flight, even those of a sync started before it', async () => {
    const first = store.append('a', [event(1)], 'no_stream');
    await turnsUntil(() => syncer.inFlight === 1);
    const second = store.append('b', [event(2)], 'no_stream');
    await turnsUntil(() => syncer.inFlight === 2);
    syncer.failLast(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    const outcomes = await Promise.allSettled([first, second]);
    for (const outcome of outcomes) {
      expect(outcome.status === 'rejected' && outcome.reason instanceof EventStoreUnavailableError).toBe(true);
    }
    syncer.releaseOne('first'); // completes after the failure: answers no one, revives nothing
    await someTurns();
    await expect(store.append('after', [event(3)], 'no_stream')).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(syncer.started).toBe(2);
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
    const queued = store.append('queued', [event(3)], 'no_stream'); // the second sync in flight
    await turnsUntil(() => store.commits === 3 && syncer.inFlight === 2);

    const unflushed = store.append('unflushed', [event(5)], 'no_stream'); // its flush comes after the failure
    syncer.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    const outcomes = await Promise.allSettled([failing, queued, unflushed]);
    for (const outcome of outcomes) {
      expect(outcome.status === 'rejected' && outcome.reason instanceof EventStoreUnavailableError).toBe(true);
    }
    expect(store.commits).toBe(3); // nothing more is written after a failed sync
    await expect(store.append('after', [event(4)], 'no_stream')).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(syncer.started).toBe(3); // never retried: a failed fsync is not retryable
    expect((await store.health()).status).toBe('down');
    // Readers still answer, with the durable part only.
    expect((await store.readAll()).map((recorded) => recorded.stream)).toEqual(['kept']);
    expect(await store.headPosition()).toBe(acknowledged.position);
    const stream = async (name: string, options = {}) => {
      const read = await store.readStream(name, options);
      return read.status === 'found' ? read.events.map((recorded) => recorded.stream) : read.status;
    };
    // readStream too: a runner must not decide, nor a reader see, what may be gone after the reopen.
    expect([await stream('kept'), await stream('lost'), await stream('queued')]).toEqual([
      ['kept'],
      'stream-not-found',
      'stream-not-found',
    ]);
    expect(await stream('kept', { direction: 'backwards', maxCount: 1 })).toEqual(['kept']);

    await store.close();
    store = new SqliteEventStore({ file, synchronous: 'NORMAL' });
    const reopened = await store.readAll();
    expect(reopened.find((recorded) => recorded.stream === 'kept')?.position).toBe(acknowledged.position);
  });

  it('tells an append that asked as soon as it is committed, and still answers it only after its sync', async () => {
    const told: bigint[] = [];
    const append = track(store.append('s', [event(1)], 'no_stream', { onCommitted: (r) => told.push(r.position) }));
    await turnsUntil(() => told.length === 1);
    expect(syncer.inFlight).toBe(1);
    // Committed: readStream shows it (a runner decides on it), the next append may expect its revision.
    const read = await store.readStream('s');
    expect(read.status === 'found' && read.events.map((recorded) => recorded.position)).toEqual(told);
    const refusedTold: unknown[] = [];
    const refused = track(store.append('s', [event(2)], 'no_stream', { onCommitted: (r) => refusedTold.push(r) }));
    const next = track(store.append('s', [event(3)], 0));
    await turnsUntil(() => store.commits === 2 && syncer.inFlight === 2);
    await someTurns();
    expect([append.settled(), refused.settled(), next.settled(), refusedTold]).toEqual([false, false, false, []]);

    syncer.releaseOne('first');
    expect((await append.promise).position).toBe(told[0]);
    await someTurns();
    expect(refused.settled()).toBe(false); // a refusal is told once what it was decided on is durable
    syncer.release();
    await expect(refused.promise).rejects.toThrow(/expected/i);
    await expect(next.promise).resolves.toMatchObject({ nextExpectedRevision: 1 });
    expect(refusedTold).toEqual([]);
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

    syncer.releaseOne('first');
    await append.promise;
    await someTurns();
    expect([unflushed.settled(), closing.settled()]).toEqual([false, false]); // its own sync is still in flight
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
