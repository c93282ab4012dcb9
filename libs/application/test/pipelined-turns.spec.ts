import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreUnavailableError, SqliteEventStore } from '@app/event-store';
import { HeldSyncer, someTurns, track, turnsUntil } from '../../event-store/test/support/held-syncer';
import { checkLink, DeciderRunner, storedHash } from '../src';
import {
  add,
  counterDecider,
  CounterCommand,
  CounterEvent,
  CounterState,
  envelope,
  totalOf,
} from './support/counter-decider';

/**
 * Pipelined turns (issue 15, goal 4): a stream's next turn is decided and committed while the previous append's
 * WAL sync runs, and every answer waits until what it stands on is durable. A held syncer makes every step visible;
 * nothing here depends on timing.
 */

const counter = counterDecider(100);
const STREAM = 'counter-1';

describe('DeciderRunner pipelined turns (held WAL syncs)', () => {
  let dir: string;
  let file: string;
  let syncer: HeldSyncer;
  let store: SqliteEventStore;
  let runner: DeciderRunner<CounterCommand, CounterEvent, CounterState>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pipelined-'));
    file = join(dir, 'events.db');
    syncer = new HeldSyncer();
    store = new SqliteEventStore({ file, walSyncer: syncer, pollIntervalMs: 5_000 });
    runner = new DeciderRunner(store, counter);
  });
  afterEach(async () => {
    syncer.release();
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  const events = async () => {
    const read = await store.readStream(STREAM);
    return read.status === 'found' ? read.events : [];
  };
  /** Runs `n` commands in one tick (one turn), tracked; returns once their append is committed. */
  const batch = async (...ns: number[]) => {
    const commits = store.commits;
    const runs = ns.map((n) => track(runner.run(STREAM, add(n), envelope(), totalOf)));
    await turnsUntil(() => store.commits === commits + 1);
    return runs;
  };

  it('decides and commits the next batch while the first sync is held; answers each batch, in order, after its sync', async () => {
    const order: string[] = [];
    const first = await batch(1, 2);
    expect(syncer.inFlight).toBe(1);
    // Without pipelining this batch would wait for the first sync before it is even decided: `batch` would not return.
    const second = await batch(3, 4);
    expect((await events()).map((recorded) => recorded.data.n)).toEqual([1, 2, 3, 4]);
    first.forEach((run, i) => void run.promise.then(() => order.push(`first-${i}`)));
    second.forEach((run, i) => void run.promise.then(() => order.push(`second-${i}`)));
    await someTurns();
    expect([...first, ...second].map((run) => run.settled())).toEqual([false, false, false, false]);
    expect(syncer.started).toBe(2); // the second commit's sync began at once (two may be in flight)

    syncer.releaseOne('first'); // the first sync: it covers the first commit only (the second came after it started)
    await Promise.all(first.map((run) => run.promise));
    await turnsUntil(() => syncer.inFlight === 1);
    await someTurns();
    expect(second.map((run) => run.settled())).toEqual([false, false]);
    syncer.release();
    const outcomes = await Promise.all([...first, ...second].map((run) => run.promise));
    expect(order).toEqual(['first-0', 'first-1', 'second-0', 'second-1']);
    const positions = outcomes.map((outcome) => (outcome.kind === 'recorded' ? outcome.position : null));
    const stored = (await events()).map((recorded) => recorded.position);
    expect(positions).toEqual([stored[1], stored[1], stored[3], stored[3]]);
    expect(await runner.read(STREAM, (state) => state.total)).toBe(10);
    // The second batch chained to the first's hash, computed before the first was durable.
    let previous: string | null = null;
    for (const recorded of await events()) {
      expect(checkLink(recorded, previous)).toEqual({ status: 'valid' });
      previous = storedHash(recorded.metadata);
    }
  });

  it('a failed sync fails both batches, and every command decided on them; a reopened store serves again', async () => {
    const first = await batch(1);
    const second = await batch(2);
    const refused = track(runner.run(STREAM, add(1000), envelope(), totalOf)); // decided on the lost state
    await someTurns();
    expect(refused.settled()).toBe(false);
    syncer.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    for (const run of [...first, ...second, refused]) {
      await expect(run.promise).rejects.toBeInstanceOf(EventStoreUnavailableError);
    }
    await expect(runner.run(STREAM, add(5), envelope(), totalOf)).rejects.toBeInstanceOf(EventStoreUnavailableError);
    // The runner forgot its state; read again, the stream shows only what is durable: nothing of the lost batches.
    expect(await runner.read(STREAM, (state) => state.total)).toBe(0);
    expect(await events()).toEqual([]);
    await store.close();

    syncer = new HeldSyncer();
    store = new SqliteEventStore({ file, walSyncer: syncer, pollIntervalMs: 5_000 });
    runner = new DeciderRunner(store, counter);
    const again = track(runner.run(STREAM, add(5), envelope(), totalOf));
    await turnsUntil(() => syncer.inFlight === 1);
    syncer.release();
    // What the file kept of the failed batches (the process lived: the log still has them) plus the new command.
    const kept = (await events()).slice(0, -1).reduce((sum, recorded) => sum + Number(recorded.data.n), 0);
    await expect(again.promise).resolves.toMatchObject({ kind: 'recorded', summary: 5 });
    expect(await runner.read(STREAM, (state) => state.total)).toBe(kept + 5);
  });

  it('a repeat, a refusal and a read decided while the first attempt syncs wait for it to be durable', async () => {
    const id = envelope();
    const original = track(runner.run(STREAM, add(60), id, totalOf));
    await turnsUntil(() => syncer.inFlight === 1);
    const repeat = track(runner.run(STREAM, add(60), id, totalOf)); // answered from the command memory…
    const refusal = track(runner.run(STREAM, add(60), envelope(), totalOf)); // 60 + 60 > 100, on the unsynced 60
    const read = track(runner.read(STREAM, (state) => state.total));
    await someTurns();
    // …but only once the first attempt is durable: a failed sync would make "repeated" a lie.
    expect([original, repeat, refusal, read].map((run) => run.settled())).toEqual([false, false, false, false]);
    expect(store.commits).toBe(1);

    syncer.release();
    const first = await original.promise;
    await expect(repeat.promise).resolves.toMatchObject({ kind: 'recorded', repeated: true, summary: 60 });
    expect((await repeat.promise).kind === 'recorded' && first.kind === 'recorded').toBe(true);
    expect(first.kind === 'recorded' && first.position).toBe((await events())[0].position);
    await expect(refusal.promise).resolves.toMatchObject({ kind: 'refused', refusal: { code: 'cap-exceeded' } });
    expect(await read.promise).toBe(60);
    expect(store.commits).toBe(1);
  });

  it('close() waits for the held sync, and the answers waiting on it are given', async () => {
    const runs = await batch(1, 2);
    const closing = track(store.close());
    await someTurns();
    expect([...runs, closing].map((run) => run.settled())).toEqual([false, false, false]);
    syncer.release();
    await expect(Promise.all(runs.map((run) => run.promise))).resolves.toMatchObject([
      { kind: 'recorded' },
      { kind: 'recorded' },
    ]);
    await closing.promise;
  });
});
