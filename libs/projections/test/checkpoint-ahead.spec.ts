import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointAheadOfLogError } from '@app/event-store';
import { KurrentDbEventStore } from '@app/event-store/kurrentdb/kurrentdb-event-store';
import { SqliteReadModelStore } from '@app/read-models';
import { ProcessManagerRuntime } from '@app/application';
import { ALL_PROJECTIONS, ProjectionEngine } from '../src';
import { InMemoryKurrentDbClient } from '../../event-store/test/kurrentdb/in-memory-kurrentdb-client';
import { events } from '../../event-store/test/event-store.contract';

/** Issue 13, item 13: a checkpoint past the head of `$all` (a restored or wiped KurrentDB) stops the start. */
describe('a checkpoint ahead of the log', () => {
  let dir: string;
  let store: KurrentDbEventStore;
  let readModels: SqliteReadModelStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'checkpoint-ahead-'));
    store = new KurrentDbEventStore(new InMemoryKurrentDbClient());
    readModels = new SqliteReadModelStore({ file: join(dir, 'read-models.db') });
  });
  afterEach(async () => {
    await readModels.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start the projections, naming the projection and both positions', async () => {
    await store.append('ledger-T', events(2), 'no_stream');
    const head = (await store.headPosition())!;
    await readModels.commit('status', head + 5_000n, async () => undefined);
    const engine = new ProjectionEngine(store, readModels, ALL_PROJECTIONS);
    const started = engine.start();
    await expect(started).rejects.toBeInstanceOf(CheckpointAheadOfLogError);
    await expect(started).rejects.toThrow(
      `status: its checkpoint ${head + 5_000n} is past the head of the event store (${head})`,
    );
  });

  it('refuses to start the process managers too, and accepts checkpoints within the log', async () => {
    await store.append('ledger-T', events(1), 'no_stream');
    const head = (await store.headPosition())!;
    await readModels.commit('process-manager/m', head + 1n, async () => undefined);
    const runtime = new ProcessManagerRuntime(store, readModels, [
      { name: 'm', filter: { eventTypes: ['X'] }, handle: async () => undefined },
    ]);
    await expect(runtime.start()).rejects.toThrow(
      `process manager m: its checkpoint ${head + 1n} is past the head of the event store (${head})`,
    );

    await readModels.commit('status', head, async () => undefined);
    const engine = new ProjectionEngine(store, readModels, ALL_PROJECTIONS);
    await engine.start();
    await engine.stop();
  });
});
