import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Position, RecordedEvent, SqliteEventStore } from '@app/event-store';
import { SqliteReadModelStore } from '@app/read-models';
import { ProcessManager, processManagerCheckpoint, ProcessManagerRuntime } from '../src';

/** Records what it handled; can be told to fail, or to hold an event until released. */
function recordingManager(name = 'recorder') {
  const handled: string[] = [];
  let failNext = false;
  let hold: Promise<void> | null = null;
  const manager: ProcessManager = {
    name,
    filter: { streamPrefix: 'orders-', eventTypes: ['OrderPlaced'] },
    async handle(event: RecordedEvent) {
      if (hold) await hold;
      if (failNext) {
        failNext = false;
        throw new Error(`cannot handle ${event.id}`);
      }
      handled.push(String(event.data.order));
    },
  };
  return {
    manager,
    handled,
    failOnce: () => (failNext = true),
    holdUntil: (released: Promise<void>) => {
      hold = released;
    },
  };
}

describe('ProcessManagerRuntime', () => {
  let dir: string;
  let events: SqliteEventStore;
  let checkpoints: SqliteReadModelStore;
  const runtimes: ProcessManagerRuntime[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pm-runtime-'));
    events = new SqliteEventStore({ file: join(dir, 'events.db') });
    checkpoints = new SqliteReadModelStore({ file: join(dir, 'read-models.db') });
  });
  afterEach(async () => {
    for (const runtime of runtimes.splice(0)) await runtime.stop();
    await checkpoints.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const started = async (manager: ProcessManager, onError?: (error: unknown) => void) => {
    const runtime = new ProcessManagerRuntime(events, checkpoints, [manager], { onError });
    runtimes.push(runtime);
    await runtime.start();
    return runtime;
  };
  const place = async (order: number, stream = 'orders-1', type = 'OrderPlaced'): Promise<Position> =>
    (await events.append(stream, [{ type, data: { order } }], 'any')).position;

  it('hands it the events it reacts to, in order, and none other', async () => {
    const { manager, handled } = recordingManager();
    await place(1);
    await place(2, 'orders-1', 'OrderShipped');
    await place(3, 'invoices-1');
    const runtime = await started(manager);
    await place(4, 'orders-2');
    const last = await place(5, 'orders-2', 'OrderCancelled');
    expect(await runtime.waitFor(last, 5000)).toBe(true);
    expect(handled).toEqual(['1', '4']);
  });

  it('resumes after its stored checkpoint: a restart does not hand it an event twice', async () => {
    const first = recordingManager();
    await place(1);
    const runtime = await started(first.manager);
    expect(await runtime.waitFor(await place(2), 5000)).toBe(true);
    await runtime.stop();
    expect(await checkpoints.checkpoint(processManagerCheckpoint('recorder'))).not.toBeNull();

    const second = recordingManager();
    const again = await started(second.manager);
    expect(await again.waitFor(await place(3), 5000)).toBe(true);
    expect(first.handled).toEqual(['1', '2']);
    expect(second.handled).toEqual(['3']);
  });

  it('waitFor answers at once for a position with nothing to handle, and waits for one that has', async () => {
    let release!: () => void;
    const { manager, handled, holdUntil } = recordingManager();
    const runtime = await started(manager);
    const unrelated = await place(1, 'invoices-1');
    expect(await runtime.waitFor(unrelated, 5000)).toBe(true);

    holdUntil(new Promise<void>((resolve) => (release = resolve)));
    const held = await place(2);
    expect(await runtime.waitFor(held, 50)).toBe(false);
    const waiting = runtime.waitFor(held, 5000);
    release();
    expect(await waiting).toBe(true);
    expect(handled).toEqual(['2']);
    expect(runtime.states()).toEqual([{ name: 'recorder', position: held }]);
  });

  it('stops a manager that fails, keeps its checkpoint before the event, and hands the event again after a restart', async () => {
    const errors: unknown[] = [];
    const failing = recordingManager();
    failing.failOnce();
    const runtime = await started(failing.manager, (error) => errors.push(error));
    const position = await place(1);
    expect(await runtime.waitFor(position, 5000)).toBe(false);
    expect(runtime.failed).toBeInstanceOf(Error);
    expect(errors).toHaveLength(1);
    expect(failing.handled).toEqual([]);
    expect(await checkpoints.checkpoint(processManagerCheckpoint('recorder'))).toBeNull();
    await runtime.stop();

    const retry = recordingManager();
    const again = await started(retry.manager);
    expect(await again.waitFor(position, 5000)).toBe(true);
    expect(retry.handled).toEqual(['1']);
  });
});
