import { assertCheckpointsWithinLog, type AllSubscription, type EventStore, type Position } from '@app/event-store';
import { CheckpointStore, ProcessManager, processManagerCheckpoint } from './process-manager';

export interface ProcessManagerState {
  name: string;
  /** The last event it has handled (its checkpoint), or null before the first. */
  position: Position | null;
}

interface Running {
  manager: ProcessManager;
  position: Position | null;
  subscription?: AllSubscription;
  loop?: Promise<void>;
}

/**
 * Runs process managers, each on its own catch-up subscription from its own stored checkpoint: it handles an event,
 * then moves the checkpoint past it. A manager that fails stops (an event is never skipped) and says so through
 * `failed`; the others go on.
 */
export class ProcessManagerRuntime {
  private readonly running: Running[];
  private failure: unknown;
  private waiters = new Set<() => void>();
  private started = false;

  constructor(
    private readonly events: EventStore,
    private readonly checkpoints: CheckpointStore,
    managers: readonly ProcessManager[],
    private readonly options: { onError?: (error: unknown, manager: string) => void } = {},
  ) {
    this.running = managers.map((manager) => ({ manager, position: null }));
  }

  async start(): Promise<void> {
    this.started = true;
    for (const entry of this.running)
      entry.position = await this.checkpoints.checkpoint(processManagerCheckpoint(entry.manager.name));
    // A checkpoint past the head would make a manager skip every event up to it, silently.
    const head = this.running.length === 0 ? null : await this.events.headPosition();
    assertCheckpointsWithinLog(
      this.running.map((entry) => ({ name: `process manager ${entry.manager.name}`, position: entry.position })),
      head,
    );
    for (const entry of this.running) {
      entry.subscription = this.events.subscribeToAll({
        afterPosition: entry.position ?? undefined,
        filter: entry.manager.filter,
      });
      entry.loop = this.follow(entry, entry.subscription).catch((error: unknown) => {
        this.failure ??= error;
        this.options.onError?.(error, entry.manager.name);
        this.wake();
      });
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.running.map((entry) => entry.subscription?.stop() ?? Promise.resolve()));
    await Promise.all(this.running.map((entry) => entry.loop ?? Promise.resolve()));
  }

  get failed(): unknown {
    return this.failure;
  }

  states(): ProcessManagerState[] {
    return this.running.map(({ manager, position }) => ({ name: manager.name, position }));
  }

  /**
   * Resolves true once every manager has handled every event up to `position` that it reacts to (so whatever those
   * events call for has been recorded), false after `timeoutMs` or when a manager has failed. Where the managers run
   * in another process (the projector), it follows the checkpoints that process stores.
   */
  async waitFor(position: Position, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (const entry of this.running) {
      for (;;) {
        if (this.failure) return false;
        const seen = this.started
          ? entry.position
          : await this.checkpoints.checkpoint(processManagerCheckpoint(entry.manager.name));
        if (seen !== null && seen >= position) break;
        // Its checkpoint only moves on events it reacts to: whether it is done up to `position` is whether one lies
        // between the two.
        const [next] = await this.events.readAll({
          afterPosition: seen ?? undefined,
          maxCount: 1,
          filter: entry.manager.filter,
        });
        if (!next || next.position > position) break;
        const moved = this.started ? entry.position !== seen || (await this.progress(deadline)) : await pause(deadline);
        if (!moved) return false;
      }
    }
    return true;
  }

  private async follow(entry: Running, subscription: AllSubscription): Promise<void> {
    const checkpoint = processManagerCheckpoint(entry.manager.name);
    for await (const event of subscription) {
      await entry.manager.handle(event);
      await this.checkpoints.commit(checkpoint, event.position, async () => undefined);
      entry.position = event.position;
      this.wake();
    }
  }

  /** Resolves true on the next progress or failure, false at the deadline. */
  private progress(deadline: number): Promise<boolean> {
    const left = deadline - Date.now();
    if (left <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(value);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), left);
      this.waiters.add(wake);
    });
  }

  private wake(): void {
    for (const wake of [...this.waiters]) wake();
  }
}

/** How often another process's stored checkpoints are read again while waiting for them. */
const STORED_CHECKPOINT_POLL_MS = 50;

/** Waits a poll interval; false once the deadline has passed. */
async function pause(deadline: number): Promise<boolean> {
  const left = deadline - Date.now();
  if (left <= 0) return false;
  await new Promise((resolve) => setTimeout(resolve, Math.min(STORED_CHECKPOINT_POLL_MS, left)));
  return true;
}
