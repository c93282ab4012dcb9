import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metering, meteringStateCodec, meteringStream } from '@app/domain';
import { EventStore, SqliteEventStore } from '@app/event-store';
import { DeciderRunner } from '../src';
import { MeteringRunner as Runner, recordUsage, usageRecords } from './support/metering-runs';

/**
 * Issue 15, goal 4: a catch-up with nothing appended anywhere since the state was confirmed reads nothing (the
 * store's append mark says so), so a usage record's read of its tenant's ledger costs no query while the ledger is
 * unchanged. Shown by counting the store's reads, and by what a read answers after another process appended.
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

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'append-mark-reads-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db') });
    reads = 0;
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

  it('reads nothing when nothing was appended anywhere since the state was confirmed', async () => {
    const runner = runnerOn(store);
    await record(runner, 'u-1');
    const position = await lastPosition(runner); // reads once after its append (what follows it), taking the mark
    reads = 0;
    for (let i = 0; i < 5; i++) expect(await lastPosition(runner)).toBe(position);
    expect(reads).toBe(0);
    // A command on the unchanged stream decides without reading, and is still counted exactly once.
    expect(await record(runner, 'u-2')).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await record(runner, 'u-1')).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(reads).toBe(1); // what follows u-2's append (nothing), read by the u-1 command's catch-up
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

  it("reads again after this store appended, even to another stream (the mark is the store's, not the stream's)", async () => {
    const runner = runnerOn(store);
    await record(runner, 'u-1');
    await lastPosition(runner);
    reads = 0;
    await record(runnerOn(store), 'o-1', meteringStream('T', '2026-06'));
    const before = reads;
    await lastPosition(runner);
    expect(reads - before).toBe(1);
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
