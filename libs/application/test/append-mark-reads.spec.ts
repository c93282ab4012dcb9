import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metering, meteringStateCodec, meteringStream } from '@app/domain';
import { EventStore, SqliteEventStore } from '@app/event-store';
import { DeciderRunner } from '../src';
import { MeteringRunner as Runner, recordUsage, usageRecords } from './support/metering-runs';

/**
 * Issue 15, goal 4: a catch-up with nothing appended to the stream since the state was confirmed (by a read, or by
 * the runner's own append) reads nothing (the store's mark of the stream says so), so a usage record reads neither
 * its tenant's ledger nor its month while only this runner appends to them. Shown by counting the store's reads, and
 * by what a read answers after another runner of this process, or another process, appended.
 */

const STREAM = meteringStream('T', '2026-05');

async function record(runner: Runner, usageId: string, stream = STREAM) {
  const outcome = await recordUsage(runner, usageRecords([usageId]), { stream });
  if (outcome.kind !== 'recorded') throw new Error(`refused: ${outcome.refusal.code}`);
  return outcome.summary;
}

/** The position of the stream's last event, as the runner's read sees it. */
const lastPosition = (runner: Runner) => runner.read(STREAM, (_, position) => position);

describe('catch-up reads and the store’s append mark', () => {
  let dir: string;
  let store: SqliteEventStore;
  let reads: number;
  let appends: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'append-mark-reads-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db') });
    reads = 0;
    appends = 0;
    const append = store.append.bind(store);
    store.append = (...args) => {
      appends++;
      return append(...args);
    };
    const readStream = store.readStream.bind(store);
    store.readStream = (stream, options) => {
      reads++;
      return readStream(stream, options);
    };
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const runnerOn = (on: EventStore): Runner => new DeciderRunner(on, metering, { codec: meteringStateCodec });

  it('reads nothing after its own appends: the store gives the stream’s mark with each', async () => {
    const runner = runnerOn(store);
    await record(runner, 'u-1'); // the empty stream is read once, by the first turn
    expect(reads).toBe(1);
    reads = 0;
    const position = await lastPosition(runner);
    for (let i = 0; i < 5; i++) expect(await lastPosition(runner)).toBe(position);
    // Commands on the stream decide without reading, and a usage id is still counted exactly once.
    expect(await record(runner, 'u-2')).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await record(runner, 'u-1')).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await lastPosition(runner)).toBe(await store.headPosition());
    expect(reads).toBe(0);
  });

  it('reads again after another runner of this process appended to the stream', async () => {
    const runner = runnerOn(store);
    await record(runner, 'u-1');
    reads = 0;
    expect(await record(runnerOn(store), 'n-1')).toMatchObject({ accepted: 1 }); // reads the stream, then appends
    expect(reads).toBe(1);
    expect(await lastPosition(runner)).toBe(await store.headPosition());
    expect(reads).toBe(2);
    // And decides on it: the other runner's usage id is a duplicate here, nothing to append.
    appends = 0;
    expect(await record(runner, 'n-1')).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(appends).toBe(0);
  });

  it('answers a read issued while a command of the stream is under way from a turn, never from its unrecorded state', async () => {
    const runner = runnerOn(store);
    await record(runner, 'u-1');
    await lastPosition(runner); // confirmed: a read now would be answered at once
    // Hold the next append until the read below has been issued: the turn has decided (in the cached state) by then.
    let appending!: () => void;
    const started = new Promise<void>((resolve) => (appending = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const append = store.append.bind(store);
    store.append = async (stream, events, expected) => {
      appending();
      await gate;
      return append(stream, events, expected);
    };
    const recorded = recordUsage(runner, usageRecords(['u-2']));
    await started;
    const read = lastPosition(runner);
    release();
    const outcome = await recorded;
    if (outcome.kind !== 'recorded') throw new Error('refused');
    // The read waited for the turn and saw the stream as recorded after it, with u-2's append.
    expect(await read).toBe(outcome.position);
  });

  it("reads nothing after this store appended to another stream (the mark is the stream's)", async () => {
    const runner = runnerOn(store);
    await record(runner, 'u-1');
    await lastPosition(runner);
    await record(runnerOn(store), 'o-1', meteringStream('T', '2026-06'));
    reads = 0;
    await lastPosition(runner);
    expect(await record(runner, 'u-2')).toMatchObject({ accepted: 1 });
    expect(reads).toBe(0);
  });

  it('sees what another process appended: its connection moves the mark', async () => {
    const runner = runnerOn(store);
    await record(runner, 'u-1');
    await lastPosition(runner);
    const other = new SqliteEventStore({ file: join(dir, 'events.db') });
    try {
      expect(await record(runnerOn(other), 'x-1')).toMatchObject({ accepted: 1 });
      const head = await other.headPosition();
      expect(await lastPosition(runner)).toBe(head);
      // And decides on it: the other process's usage id is a duplicate here.
      expect(await record(runner, 'x-1')).toMatchObject({ accepted: 0, duplicates: 1 });
    } finally {
      await other.close();
    }
  });

  it("decides its next turn on another process's append to the stream, though its own append gave it a mark", async () => {
    const runner = runnerOn(store);
    await record(runner, 'u-1'); // the runner holds the stream's mark given with its own append
    const other = new SqliteEventStore({ file: join(dir, 'events.db') });
    try {
      expect(await record(runnerOn(other), 'x-1')).toMatchObject({ accepted: 1 });
      reads = 0;
      appends = 0;
      // Its next turn reads what the other connection appended and counts x-1 as the duplicate it is, deciding on
      // the stream as it is: nothing to append (deciding on its stale state would append, conflict and retry).
      expect(await record(runner, 'x-1')).toMatchObject({ accepted: 0, duplicates: 1 });
      expect(reads).toBe(1);
      expect(appends).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('reads on every catch-up from a store without marks (as the KurrentDB adapter is)', async () => {
    const unmarked: EventStore = {
      append: (stream, events, expected) => store.append(stream, events, expected),
      readStream: (stream, options) => store.readStream(stream, options),
      readAll: (options) => store.readAll(options),
      subscribeToAll: (options) => store.subscribeToAll(options),
      idempotencyKey: (key) => store.idempotencyKey(key),
      headPosition: () => store.headPosition(),
      health: () => store.health(),
      close: () => store.close(),
    };
    const runner = runnerOn(unmarked);
    await record(runner, 'u-1');
    await lastPosition(runner);
    reads = 0;
    for (let i = 0; i < 3; i++) await lastPosition(runner);
    expect(reads).toBe(3);
  });
});
