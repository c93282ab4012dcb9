import {
  assertCheckpointsWithinLog,
  type AllSubscription,
  type EventStore,
  type Position,
  type RecordedEvent,
} from '@app/event-store';
import type { ReadModelStore } from '@app/read-models';
import { type EngineBatches, InThreadBatches } from './engine-batches';
import type { Projection } from './projection';
import type { ProjectionState } from './projection-applier';
import { ProjectionThread, type ProjectionThreadOptions } from './projection-thread';

// The applier (shared with the rebuild) and the rebuild live in their own files; importers keep one entry point.
export { ProjectionApplier, type ProjectionState } from './projection-applier';
export { rebuildProjections } from './rebuild-projections';

export interface ProjectionEngineOptions {
  /** The most events applied in one transaction. */
  batchSize?: number;
  onError?: (error: unknown) => void;
  /**
   * Once caught up, also commit the checkpoint of a projection that only skipped events, so that processes
   * reading the stored checkpoints (an API beside a projector) see every projection reach every position.
   */
  commitSkippedPositions?: boolean;
  /**
   * Live, how long a batch may wait for more events before it is applied (0, the default: it takes only what is
   * at hand). One read-model transaction then carries the events of several event-store commits: its COMMIT, the
   * checkpoints and the documents every event of a tenant touches (the owner's counts, the status) are paid once per
   * group instead of once per commit. Readers that wait on a position (`waitFor`, `?minPosition=`) end the wait at
   * once, so they see their writes as soon as before; readers that do not may see a change up to this much later.
   */
  groupWithinMs?: number;
  /**
   * Apply and commit the batches on a worker thread with connections of its own (embedded SQLite files only; see
   * ProjectionThread): the engine's subscription, positions, waiters and failure stay on this thread.
   */
  thread?: ProjectionThreadOptions;
}

const DEFAULT_BATCH = 500;

/**
 * The live engine: one catch-up subscription from the lowest checkpoint, batches of whatever is available
 * (history in large batches, live events as they come), and a wait for read-your-writes.
 */
export class ProjectionEngine {
  /** The applying and committing of batches: on this thread, or on a worker thread (`thread`). */
  private readonly batches: EngineBatches;
  /**
   * The positions waiters and readers see: the batches', taken once a batch committed. A reader told a position is
   * reached must find it in the store.
   */
  private readonly published = new Map<string, Position | null>();
  private subscription?: AllSubscription;
  private loop?: Promise<void>;
  private failure: unknown;
  private hasFailed = false;
  private waiters = new Set<() => void>();
  /** Batches, and work that must not interleave with one (an online rebuild's switch), run one after the other. */
  private turn: Promise<unknown> = Promise.resolve();
  /** The live batch waiting for more events (see `groupWithinMs`), if one waits. */
  private held: Hold | undefined;
  /** The head of the log at start: what lies up to it is history, applied as it is read (never held). */
  private liveAfter: Position = 0n;

  constructor(
    private readonly events: EventStore,
    readModels: ReadModelStore,
    private readonly projections: readonly Projection[],
    private readonly options: ProjectionEngineOptions = {},
  ) {
    this.batches = options.thread
      ? new ProjectionThread(
          options.thread,
          projections.map((projection) => projection.name),
          // A dead thread fails the engine at once, even with no batch in flight: it never silently stops projecting.
          (error) => this.fail(error),
        )
      : new InThreadBatches(readModels, projections);
  }

  /** How many batches the projection thread applied (undefined: the engine applies them on this thread). */
  get threadBatches(): number | undefined {
    return this.batches instanceof ProjectionThread ? this.batches.batches : undefined;
  }

  async start(): Promise<void> {
    let head: Position | null;
    try {
      await this.batches.prepare();
      this.publish();
      // A checkpoint past the head would make the subscription skip every event up to it, silently.
      head = await this.events.headPosition();
      assertCheckpointsWithinLog(this.batches.states(), head);
    } catch (error) {
      await this.batches.close(); // a thread started for nothing ends with the failed start
      throw error;
    }
    this.liveAfter = head ?? 0n;
    this.subscription = this.events.subscribeToAll({ afterPosition: this.batches.startAfter() });
    // A projection that cannot apply an event must not skip it: the engine stops and says so.
    this.loop = this.run(this.subscription).catch((error: unknown) => this.fail(error));
  }

  /** Ends the subscription, waits for the batch in flight, then ends the projection thread if there is one. */
  async stop(): Promise<void> {
    await this.subscription?.stop();
    await this.loop;
    await this.batches.close();
  }

  get failed(): unknown {
    return this.failure;
  }

  /** The engine stops projecting and says so (the first failure only: a dead thread also fails the batch after). */
  private fail(error: unknown): void {
    if (this.hasFailed) return;
    this.hasFailed = true;
    this.failure = error;
    this.options.onError?.(error);
    this.wake();
  }

  /** Runs `work` between two batches; `adopt` then tells the engine a projection's new position. */
  betweenBatches<T>(work: (adopt: (name: string, position: Position | null) => void) => Promise<T>): Promise<T> {
    const run = this.turn
      .catch(() => undefined)
      .then(() =>
        work((name, position) => {
          this.batches.adopt(name, position);
          this.published.set(name, position);
        }),
      );
    this.turn = run;
    return run;
  }

  projection(name: string): Projection | undefined {
    return this.projections.find((projection) => projection.name === name);
  }

  position(name: string): Position | null {
    return this.published.get(name) ?? null;
  }

  states(): ProjectionState[] {
    return this.projections.map(({ name }) => ({ name, position: this.position(name) }));
  }

  /** Resolves true once every named projection has taken `position` into account, false after `timeoutMs`. */
  waitFor(names: readonly string[], position: Position, timeoutMs: number): Promise<boolean> {
    // Positions of recorded events are positive: 0 (what a command that wrote nothing may answer) needs no wait.
    if (position <= 0n) return Promise.resolve(true);
    const reached = () =>
      names.every((name) => {
        const at = this.position(name);
        return at !== null && at >= position;
      });
    if (reached()) return Promise.resolve(true);
    // Stopped by a failure: nothing more will be applied, so the reader need not wait out its timeout.
    if (this.hasFailed) return Promise.resolve(false);
    // Someone waits: a batch held for more events is applied now.
    this.held?.release();
    return new Promise((resolve) => {
      const check = () => {
        if (reached()) finish(true);
        else if (this.hasFailed) finish(false);
      };
      const finish = (value: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.waiters.add(check);
    });
  }

  private async run(subscription: AllSubscription): Promise<void> {
    const batchSize = this.options.batchSize ?? DEFAULT_BATCH;
    const iterator = subscription[Symbol.asyncIterator]();
    let next = iterator.next();
    for (;;) {
      const first = await next;
      if (first.done) return;
      const batch = [first.value];
      next = iterator.next();
      let done = false;
      // Only live events wait for more: the history read at start is applied as before, batch after batch.
      const hold = (this.held = first.value.position > this.liveAfter ? this.hold(batch) : undefined);
      try {
        // Take more while events are already at hand, or until the hold ends; then stop at the first wait.
        while (batch.length < batchSize) {
          const more = await Promise.race([next, hold?.waiting === true ? hold.released : nextTurn()]);
          if (more === TURN) break;
          if (more.done) {
            done = true;
            break;
          }
          batch.push(more.value);
          next = iterator.next();
        }
      } finally {
        hold?.release();
        this.held = undefined;
      }
      await this.betweenBatches(() => this.batches.apply(batch).then(() => this.publish()));
      // Caught up (no more events at hand): a good moment to store positions moved on by skipped events.
      if (
        this.options.commitSkippedPositions &&
        !done &&
        (batch.length < batchSize || (await Promise.race([next, nextTurn()])) === TURN)
      ) {
        await this.betweenBatches(() => this.batches.commitSkippedPositions().then(() => this.publish()));
      }
      this.wake();
      if (done) return;
    }
  }

  /** How many events a held batch holds (see `groupWithinMs`); 0 when none is held. */
  get heldEvents(): number {
    return this.held?.waiting === true ? this.held.batch.length : 0;
  }

  /** A hold of `groupWithinMs` for the batch being taken, or none. */
  private hold(batch: readonly RecordedEvent[]): Hold | undefined {
    const ms = this.options.groupWithinMs ?? 0;
    // A reader already waits (for these events, which reached the engine after it asked): no hold.
    if (ms <= 0 || this.waiters.size > 0) return undefined;
    let end: () => void = () => undefined;
    const released = new Promise<typeof TURN>((resolve) => (end = () => resolve(TURN)));
    const hold: Hold = {
      batch,
      waiting: true,
      released,
      release: () => {
        if (!hold.waiting) return;
        hold.waiting = false;
        clearTimeout(timer);
        end();
      },
    };
    // The timer alone never keeps the process alive: stopping the engine ends the batch (its subscription ends).
    const timer = setTimeout(() => hold.release(), ms).unref();
    return hold;
  }

  private publish(): void {
    for (const { name, position } of this.batches.states()) this.published.set(name, position);
  }

  private wake(): void {
    for (const check of [...this.waiters]) check();
  }
}

const TURN = Symbol('turn');

/** A live batch waiting for more events: `released` resolves when the time is up or a reader waits. */
interface Hold {
  batch: readonly RecordedEvent[];
  waiting: boolean;
  released: Promise<typeof TURN>;
  release(): void;
}
function nextTurn(): Promise<typeof TURN> {
  return new Promise((resolve) => setImmediate(() => resolve(TURN)));
}
