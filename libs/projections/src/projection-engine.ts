import {
  assertCheckpointsWithinLog,
  type AllSubscription,
  type EventStore,
  type Position,
  type RecordedEvent,
} from '@app/event-store';
import type { ReadModelStore } from '@app/read-models';
import { GroupedCommits } from './grouped-commits';
import type { Projection } from './projection';
import { ProjectionApplier, type ProjectionState } from './projection-applier';

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
}

const DEFAULT_BATCH = 500;

/**
 * The live engine: one catch-up subscription from the lowest checkpoint, batches of whatever is available
 * (history in large batches, live events as they come), and a wait for read-your-writes.
 */
export class ProjectionEngine {
  private readonly applier: ProjectionApplier;
  /** Where the store commits several projections at once: every batch commits in one transaction. */
  private readonly group: GroupedCommits | undefined;
  /**
   * The positions waiters and readers see: the applier's, taken once the batch's group committed. The applier moves
   * its own as it applies, before the group commits; a reader told a position is reached must find it in the store.
   */
  private readonly published = new Map<string, Position | null>();
  private subscription?: AllSubscription;
  private loop?: Promise<void>;
  private failure: unknown;
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
    projections: readonly Projection[],
    private readonly options: ProjectionEngineOptions = {},
  ) {
    const commitMany = readModels.commitMany?.bind(readModels);
    this.group = commitMany ? new GroupedCommits(readModels, commitMany) : undefined;
    this.applier = new ProjectionApplier(this.group?.store ?? readModels, projections);
  }

  async start(): Promise<void> {
    await this.applier.prepare();
    this.publish();
    // A checkpoint past the head would make the subscription skip every event up to it, silently.
    const head = await this.events.headPosition();
    assertCheckpointsWithinLog(this.applier.states(), head);
    this.liveAfter = head ?? 0n;
    this.subscription = this.events.subscribeToAll({ afterPosition: this.applier.startAfter() });
    this.loop = this.run(this.subscription).catch((error: unknown) => {
      // A projection that cannot apply an event must not skip it: the engine stops and says so.
      this.failure = error;
      this.options.onError?.(error);
      this.wake();
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    await this.loop;
  }

  get failed(): unknown {
    return this.failure;
  }

  /** Runs `work` between two batches; `adopt` then tells the engine a projection's new position. */
  betweenBatches<T>(work: (adopt: (name: string, position: Position | null) => void) => Promise<T>): Promise<T> {
    const run = this.turn
      .catch(() => undefined)
      .then(() =>
        work((name, position) => {
          this.applier.adopt(name, position);
          this.published.set(name, position);
        }),
      );
    this.turn = run;
    return run;
  }

  projection(name: string): Projection | undefined {
    return this.applier.projections.find((projection) => projection.name === name);
  }

  position(name: string): Position | null {
    return this.published.get(name) ?? null;
  }

  states(): ProjectionState[] {
    return this.applier.projections.map(({ name }) => ({ name, position: this.position(name) }));
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
    // Someone waits: a batch held for more events is applied now.
    this.held?.release();
    return new Promise((resolve) => {
      const check = () => {
        if (reached()) finish(true);
        else if (this.failure) finish(false);
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
      await this.betweenBatches(() => this.grouped(() => this.applier.apply(batch)));
      // Caught up (no more events at hand): a good moment to store positions moved on by skipped events.
      if (
        this.options.commitSkippedPositions &&
        !done &&
        (batch.length < batchSize || (await Promise.race([next, nextTurn()])) === TURN)
      ) {
        await this.betweenBatches(() => this.grouped(() => this.applier.commitSkippedPositions()));
      }
      this.wake();
      if (done) return;
    }
  }

  /**
   * Runs the applier's `work` with its commits grouped into one, then publishes the positions it reached. If any of
   * it fails — a projection's apply, a store's refusal, the COMMIT — nothing of the group is written (the store's
   * `commitMany` is one transaction; see its port for a store without them), so every projection is put back to
   * the position it had published, which is what the store holds, and its cached documents are dropped: no event
   * is lost (the engine stops; a restart applies the batch from the stored checkpoints) and none applies twice.
   */
  private async grouped(work: () => Promise<void>): Promise<void> {
    if (!this.group) {
      await work();
      this.publish();
      return;
    }
    this.group.open();
    let outcomes;
    try {
      await work();
      outcomes = await this.group.commitGroup();
    } catch (error) {
      this.group.discard();
      for (const [name, position] of this.published) this.applier.adopt(name, position);
      throw error;
    }
    // A store that found documents already past a batch (replayed without transactions) kept them: what the
    // applier cached for that projection is not what the store holds, so it reads them again (adopt drops the cache).
    for (const [name, outcome] of outcomes)
      if (outcome && outcome.staleWrites > 0) this.applier.adopt(name, this.applier.position(name));
    this.publish();
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
    for (const { name, position } of this.applier.states()) this.published.set(name, position);
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
