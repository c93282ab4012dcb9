import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Position, SqliteEventStore } from '@app/event-store';
import { SqliteReadModelStore } from '@app/read-models';
import { EnginePositions, ProjectionEngine, type ProjectionEngineOptions, rebuildOnline } from '../src';
import { threadProjections } from './support/thread-projections';

/**
 * Issue 15, goal 4: the live engine applies and commits its batches on a worker thread with connections of its
 * own, and keeps its subscription, positions, waiters and failures on the main thread. Nothing here waits on time:
 * each step waits on a position, on the thread's answer, or on a cell the thread sets.
 */
describe('the live engine with a projection thread', () => {
  let dir: string;
  let events: SqliteEventStore;
  let readModels: SqliteReadModelStore;
  let engine: ProjectionEngine | undefined;
  const errors: unknown[] = [];

  const threaded = (control?: SharedArrayBuffer): ProjectionEngineOptions => ({
    onError: (error) => errors.push(error),
    thread: {
      eventsFile: join(dir, 'events.db'),
      readModelsFile: join(dir, 'read-models.db'),
      projections: {
        module: require.resolve('./support/thread-projections'),
        exportName: 'threadProjections',
        argument: control,
      },
    },
  });
  const started = async (options: ProjectionEngineOptions): Promise<ProjectionEngine> => {
    engine = new ProjectionEngine(events, readModels, threadProjections(), options);
    await engine.start();
    return engine;
  };
  const append = async (stream: string, type: string, count = 1, data = {}): Promise<Position> =>
    (
      await events.append(
        stream,
        Array.from({ length: count }, () => ({ type, data })),
        'any',
      )
    ).position;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'projection-thread-'));
    events = new SqliteEventStore({ file: join(dir, 'events.db'), synchronous: 'NORMAL' });
    readModels = new SqliteReadModelStore({ file: join(dir, 'read-models.db') });
    errors.length = 0;
  });
  afterEach(async () => {
    await engine?.stop();
    engine = undefined;
    await readModels.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies and commits on the thread: the main connection commits nothing, readers see every event', async () => {
    await append('a', 'Counted', 2); // history, before the start
    const live = await started(threaded());
    await append('b', 'Counted', 3);
    const last = await append('a', 'Counted', 1);

    expect(await live.waitFor(['counting'], last, 30_000)).toBe(true);
    expect(readModels.transactions).toBe(0);
    expect(live.threadBatches).toBeGreaterThanOrEqual(1);
    expect(await readModels.checkpoint('counting')).toBe(last);
    expect(await readModels.get('counts', 'a')).toMatchObject({ n: 3 });
    expect(await readModels.get('counts', 'b')).toMatchObject({ n: 3 });
    expect(live.failed).toBeUndefined();
  });

  it('goes on after a restart from the checkpoint the thread committed', async () => {
    const first = await started(threaded());
    expect(await first.waitFor(['counting'], await append('a', 'Counted', 2), 30_000)).toBe(true);
    await first.stop();
    await append('a', 'Counted', 1);
    const second = await started(threaded());
    expect(await second.waitFor(['counting'], await append('a', 'Counted', 1), 30_000)).toBe(true);
    expect(await readModels.get('counts', 'a')).toMatchObject({ n: 4 });
  });

  it('refuses to start past the head of the log as the in-thread engine does, and ends its thread', async () => {
    const head = await append('a', 'Counted', 1);
    await readModels.commit('counting', head + 10n, async () => undefined);
    const refused = new ProjectionEngine(events, readModels, threadProjections(), threaded());
    await expect(refused.start()).rejects.toThrow(`counting: its checkpoint ${head + 10n} is past the head`);
    // Ended with the failed start: a stop has no thread left to wait for, and the engine never applied a batch.
    await refused.stop();
    expect(refused.threadBatches).toBe(0);
  });

  it('commits the positions of skipped events through the thread once caught up (as a projector does)', async () => {
    const live = await started({ ...threaded(), commitSkippedPositions: true });
    const counted = await append('a', 'Counted', 1);
    expect(await live.waitFor(['counting'], counted, 30_000)).toBe(true);
    expect(await readModels.checkpoint('counting')).toBe(counted);
    // A batch of events the projection skips commits nothing of its own; the engine then stores the position.
    const skipped = await append('b', 'NotCounted', 3);
    while ((await readModels.checkpoint('counting')) !== skipped) await new Promise((resolve) => setImmediate(resolve));
    expect(live.position('counting')).toBe(skipped);
    expect(readModels.transactions).toBe(0);
  });

  it('applies on this thread when not told otherwise (its own connection commits)', async () => {
    const local = await started({});
    expect(await local.waitFor(['counting'], await append('a', 'Counted', 2), 30_000)).toBe(true);
    expect(local.threadBatches).toBeUndefined();
    expect(readModels.transactions).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['exits', 'exit', /projection thread stopped \(exit code 3\)/],
    ['throws in a projection', 'refuse', /the projection refuses this event/],
  ])('fails the engine when the thread %s in a batch: nothing of the batch is published', async (_, how, message) => {
    const live = await started(threaded());
    const before = await append('a', 'Counted', 1);
    expect(await live.waitFor(['counting'], before, 30_000)).toBe(true);
    const crashed = await append('a', 'Crashed', 1, { how });

    expect(await live.waitFor(['counting'], crashed, 30_000)).toBe(false);
    expect(String(live.failed)).toMatch(message);
    expect(errors).toHaveLength(1);
    expect(live.position('counting')).toBe(before);
    expect(await readModels.checkpoint('counting')).toBe(before);
  });

  it('fails the engine when the thread dies with no batch in flight', async () => {
    const control = new SharedArrayBuffer(12);
    const live = await started(threaded(control));
    const dying = await append('a', 'Crashed', 1, { how: 'later' });
    // The batch committed and was answered; the thread dies after it, and the engine says so without a new event.
    expect(await live.waitFor(['counting'], dying, 30_000)).toBe(true);
    expect(live.failed).toBeUndefined();
    Atomics.store(new Int32Array(control), 2, 1);
    while (live.failed === undefined) await new Promise((resolve) => setImmediate(resolve));
    expect(String(live.failed)).toMatch(/an uncaught error in the projection thread/);
    // What /health reads: the projections are reported failed.
    expect(new EnginePositions(live).failed).toBe(live.failed);
    expect(errors).toHaveLength(1);
    expect(await live.waitFor(['counting'], dying + 1n, 30_000)).toBe(false);
  });

  it('stop() waits for the batch in flight, which commits', async () => {
    const control = new SharedArrayBuffer(12);
    const cells = new Int32Array(control);
    const live = await started(threaded(control));
    const held = await append('a', 'Held', 1);
    // The thread is inside the batch, holding it.
    while (Atomics.load(cells, 0) !== 1) await new Promise((resolve) => setImmediate(resolve));
    let stopped = false;
    const stopping = live.stop().then(() => (stopped = true));
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    Atomics.store(cells, 1, 1);
    Atomics.notify(cells, 1);
    await stopping;
    expect(live.failed).toBeUndefined();
    expect(await readModels.checkpoint('counting')).toBe(held);
    expect(await readModels.get('counts', 'a')).toMatchObject({ n: 1 });
  });

  it('switches in an online rebuild between two thread batches and goes on from it', async () => {
    const live = await started(threaded());
    await append('a', 'Counted', 3);
    expect(await live.waitFor(['counting'], await append('b', 'Counted', 1), 30_000)).toBe(true);
    const rebuilt = await rebuildOnline(live, events, readModels, 'counting');
    expect(rebuilt.events).toBe(4);
    // The thread forgot what it had cached of the projection: it reads the promoted documents.
    const last = await append('a', 'Counted', 2);
    expect(await live.waitFor(['counting'], last, 30_000)).toBe(true);
    expect(await readModels.get('counts', 'a')).toMatchObject({ n: 5 });
    expect(await readModels.get('counts', 'b')).toMatchObject({ n: 1 });
    expect(live.failed).toBeUndefined();
  });
});
