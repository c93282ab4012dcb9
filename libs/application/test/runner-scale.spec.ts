import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metering, MeteringEvent, MeteringState, meteringStateCodec, meteringStream } from '@app/domain';
import { ReadStreamOptions, SqliteEventStore, FileSnapshotStore } from '@app/event-store';
import { BudgetedCache, CommandMemory, DeciderRunner, DeciderRunnerOptions, UNBOUNDED } from '../src';
import { restoreCommands } from '../src/snapshot-commands';
import { ids, MeteringRunner as Runner, recordUsage, usageRecords } from './support/metering-runs';

/**
 * What makes long streams cheap, shown by behaviour rather than timings: the cache keeps to its byte budget, a
 * snapshot is written and then served (the store is read from the snapshot's revision, not from 0), and a usage id
 * counted once is a duplicate after eviction, after a restart and after a restart from a snapshot.
 */

function record(runner: Runner, tenant: string, usageIds: string[], commandId?: string) {
  return recordUsage(runner, usageRecords(usageIds), { tenant, commandId });
}

async function counted(runner: Runner, tenant: string, usageIds: string[], commandId?: string) {
  const outcome = await record(runner, tenant, usageIds, commandId);
  if (outcome.kind !== 'recorded') throw new Error(`refused: ${outcome.refusal.code}`);
  return { ...outcome.summary, repeated: outcome.repeated };
}

describe('DeciderRunner at scale', () => {
  let dir: string;
  let store: SqliteEventStore;
  let snapshots: FileSnapshotStore;
  let reads: Array<{ stream: string; options: ReadStreamOptions }>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-scale-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db') });
    snapshots = new FileSnapshotStore(join(dir, 'snapshots'));
    reads = [];
    const readStream = store.readStream.bind(store);
    store.readStream = (stream, options = {}) => {
      reads.push({ stream, options });
      return readStream(stream, options);
    };
  });
  afterEach(async () => {
    await snapshots.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const runnerWith = (options: Partial<DeciderRunnerOptions<MeteringState, MeteringEvent>> = {}): Runner =>
    new DeciderRunner(store, metering, { codec: meteringStateCodec, snapshots: { store: snapshots }, ...options });

  it('keeps the cached states within the byte budget, evicting the least recently used', async () => {
    // A month's state weighs its id table (16 kB when small) plus 4 kB: a 50 kB budget holds two months, not three.
    const runner = runnerWith({ cacheBytes: 50_000 });
    for (const tenant of ['A', 'B', 'C']) await counted(runner, tenant, ids(tenant, 10));
    expect(runner.cacheUsage().streams).toBe(2);
    expect(runner.cacheUsage().bytes).toBeLessThanOrEqual(50_000);
    reads.length = 0;
    await counted(runner, 'C', ['C-new']);
    // C was cached, its last append (revision 0) written as given and marked by the store: nothing is read.
    expect(reads).toEqual([]);
    await counted(runner, 'A', ['A-new']);
    expect(reads[0]).toEqual({ stream: meteringStream('A', '2026-05'), options: { fromRevision: 0 } }); // A was evicted: folded again
  });

  it('still refuses a counted usage id as a duplicate after eviction, after a restart, and after a restart from a snapshot', async () => {
    const first = runnerWith({ cacheBytes: 1 });
    // Two batches of 1,000 records: enough events (300 kB estimated) for a snapshot.
    expect(await counted(first, 'T', ids('a', 1000))).toMatchObject({ accepted: 1000, duplicates: 0 });
    const commandId = randomUUID();
    expect(await counted(first, 'T', ids('b', 1000), commandId)).toMatchObject({ accepted: 1000, duplicates: 0 });
    await first.snapshotsSaved();
    expect(await snapshots.load(meteringStream('T', '2026-05'))).toMatchObject({
      revision: 1,
      version: meteringStateCodec.version,
    });

    // Evicted: another stream takes the whole (one-byte) budget.
    await counted(first, 'Other', ['x']);
    expect(first.cacheUsage().streams).toBe(1);
    expect(await counted(first, 'T', ['a-5', 'b-999', 'c-1'])).toMatchObject({ accepted: 1, duplicates: 2 });

    // Restarted, from the snapshot: the stream is read from the snapshot's revision on, not from the start.
    reads.length = 0;
    const restarted = runnerWith();
    expect(await counted(restarted, 'T', ['a-0', 'b-1', 'c-1', 'c-2'])).toMatchObject({ accepted: 1, duplicates: 3 });
    expect(reads[0].options.fromRevision).toBe(1);
    // A retry of a command recorded before the snapshot is answered from the snapshot's command memory.
    expect(await counted(restarted, 'T', ids('b', 1000), commandId)).toEqual({
      accepted: 1000,
      duplicates: 0,
      repeated: true,
    });

    // Restarted without snapshots: the whole stream is folded, and the ids are still known.
    reads.length = 0;
    const plain = new DeciderRunner(store, metering, { codec: meteringStateCodec });
    expect(await counted(plain, 'T', ['a-999', 'c-2', 'c-3'])).toMatchObject({ accepted: 1, duplicates: 2 });
    expect(reads[0].options.fromRevision).toBe(0);
  });

  it('keeps a command whose id was made for it alone out of the command memory and its snapshots', async () => {
    const runner = runnerWith();
    const stream = meteringStream('T', '2026-05');
    const named = randomUUID();
    const fresh = randomUUID();
    // Two batches of 1,000 records: enough for a snapshot, taken after the second.
    expect(await counted(runner, 'T', ids('n', 1000), named)).toMatchObject({ accepted: 1000 });
    const first = await recordUsage(runner, usageRecords(ids('f', 1000)), { commandId: fresh, freshId: true });
    expect(first).toMatchObject({ kind: 'recorded', summary: { accepted: 1000 } });
    await runner.snapshotsSaved();

    // A named command is answered from memory when sent again; a fresh one (no caller can send it again) is not
    // remembered: the same id is decided anew, and its records are duplicates now.
    expect(await counted(runner, 'T', ids('n', 1000), named)).toEqual({
      accepted: 1000,
      duplicates: 0,
      repeated: true,
    });
    const again = await recordUsage(runner, usageRecords(ids('f', 1000)), { commandId: fresh, freshId: true });
    expect(again).toMatchObject({ kind: 'recorded', repeated: false, summary: { accepted: 0, duplicates: 1000 } });

    const snapshot = await snapshots.load(stream);
    if (!snapshot) throw new Error('no snapshot');
    const memory = new CommandMemory<MeteringEvent>(UNBOUNDED, () => 0);
    restoreCommands(snapshot.extra, memory);
    expect([...memory.entries()].map(([id]) => id)).toEqual([named]);
  });

  it('answers a retry in the same process with the position its append landed at', async () => {
    const runner = runnerWith({ commandMemory: { commands: 1000, bytes: 1_000_000 } });
    const commandId = randomUUID();
    const first = await record(runner, 'T', ['r-1'], commandId);
    await record(runner, 'T', ['r-2']); // the stream moves on: a retry must not take the latest position
    const retry = await record(runner, 'T', ['r-1'], commandId);
    expect(first.kind === 'recorded' && first.position).not.toBeNull();
    expect(retry).toMatchObject({
      kind: 'recorded',
      repeated: true,
      position: first.kind === 'recorded' ? first.position : undefined,
    });
  });

  it('ignores a snapshot of another codec version, and one the stream does not match', async () => {
    const first = runnerWith();
    await counted(first, 'T', ids('a', 1000));
    await counted(first, 'T', ids('b', 1000));
    await first.snapshotsSaved();
    expect(await snapshots.load(meteringStream('T', '2026-05'))).not.toBeNull();

    reads.length = 0;
    const bumpedCodec = { ...meteringStateCodec, version: meteringStateCodec.version + 1 };
    const bumped = runnerWith({ codec: bumpedCodec });
    expect(await counted(bumped, 'T', ['a-1', 'new-1'])).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(reads[0].options.fromRevision).toBe(0);

    // The full fold was snapshotted anew, under the new version.
    await bumped.snapshotsSaved();
    const stored = await snapshots.load(meteringStream('T', '2026-05'));
    expect(stored).toMatchObject({ version: bumpedCodec.version, revision: 1 });
    // A snapshot whose last hash the stream does not have (another store's, or a rewritten stream): folded from 0.
    await snapshots.save({ ...stored!, revision: stored!.revision + 100, lastHash: 'not-the-stream' });
    reads.length = 0;
    const misled = runnerWith({ codec: bumpedCodec });
    expect(await counted(misled, 'T', ['b-1', 'new-2'])).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(reads.map((read) => read.options.fromRevision)).toEqual([stored!.revision + 100, 0]);
  });

  it('reads only what is new: its own appends, written as given, are not read back (own-append-reads.spec.ts)', async () => {
    const runner = runnerWith();
    const stream = meteringStream('T', '2026-05');
    await counted(runner, 'T', ['h-1']); // revision 0, its hash computed by this process
    reads.length = 0;
    await runner.read(stream, (state) => state);
    await runner.read(stream, (state) => state);
    await counted(runner, 'T', ['h-2']); // revision 1
    await runner.read(stream, (state) => state);
    // Nothing is read: the store wrote both appends as given and gave the stream's mark with each (only another
    // append to the stream moves it: append-mark-reads.spec.ts; without marks, what follows each is read:
    // own-append-reads.spec.ts).
    expect(reads).toEqual([]);
    expect(await counted(runner, 'T', ['h-1', 'h-2', 'h-3'])).toMatchObject({ accepted: 1, duplicates: 2 });
  });

  it('writes one snapshot of a stream at a time, however many turns come due while it is written', async () => {
    // A store whose writes hang until released: every turn after the first would be due again (300 kB each).
    const started: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = {
      load: (stream: string) => snapshots.load(stream),
      save: async (snapshot: Parameters<FileSnapshotStore['save']>[0]) => {
        started.push(snapshot.revision);
        await gate;
        await snapshots.save(snapshot);
      },
      close: () => snapshots.close(),
    };
    const runner = runnerWith({ snapshots: { store: slow } });
    for (let batch = 0; batch < 8; batch++) await counted(runner, 'T', ids(`w${batch}`, 1000));
    expect(started).toEqual([1]);
    release();
    await runner.snapshotsSaved();
    // Once written, the next turn writes again, once its append (revision 8) is made: its catch-up read nothing.
    await counted(runner, 'T', ids('after', 1000));
    await runner.snapshotsSaved();
    expect(started).toEqual([1, 8]);
    expect(await snapshots.load(meteringStream('T', '2026-05'))).toMatchObject({ revision: 8 });
  });
});

describe('BudgetedCache', () => {
  it('evicts least recently used entries until the total is within the budget', () => {
    const cache = new BudgetedCache<string>(100);
    cache.set('a', 'A', 40);
    cache.set('b', 'B', 40);
    expect(cache.get('a')).toBe('A'); // a is now the most recent
    cache.set('c', 'C', 40);
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    expect(cache.bytes).toBe(80);
    cache.set('a', 'A', 90); // re-weighed: c goes
    expect([cache.has('a'), cache.has('c'), cache.bytes]).toEqual([true, false, 90]);
    cache.set('d', 'D', 500); // larger than the budget: kept alone
    expect([cache.size, cache.bytes]).toEqual([1, 500]);
  });
});

describe('CommandMemory', () => {
  it('forgets the oldest commands beyond its count and byte limits', () => {
    const memory = new CommandMemory<{ size: number }>({ commands: 3, bytes: 2000 }, (event) => event.size);
    for (const id of ['c1', 'c2', 'c3', 'c4'])
      memory.set(id, { hash: id, events: [{ size: 10 }], summary: null, position: 1n });
    expect([memory.get('c1'), memory.size]).toEqual([undefined, 3]);
    memory.set('big', { hash: 'big', events: [{ size: 1500 }], summary: null, position: 2n });
    expect(memory.get('c2')).toBeUndefined();
    expect(memory.bytes).toBeLessThanOrEqual(2000);
    expect(memory.get('big')).toBeDefined();
  });
});
