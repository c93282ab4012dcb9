import {
  assertCheckpointsWithinLog,
  type AllSubscription,
  type EventStore,
  type Position,
  type RecordedEvent,
} from '@app/event-store';
import type { CommitOutcome, Document, PositionedDocument, ReadModelStore } from '@app/read-models';
import { CachedBatchDocuments, CommittedDocuments } from './batch-documents';
import type { Projection } from './projection';

export interface ProjectionState {
  name: string;
  /** The last position the projection has taken into account (applied, or skipped as not its business). */
  position: Position | null;
}

export interface ProjectionEngineOptions {
  /** The most events applied in one transaction. */
  batchSize?: number;
  onError?: (error: unknown) => void;
  /**
   * Once caught up, also commit the checkpoint of a projection that only skipped events, so that processes
   * reading the stored checkpoints (an API beside a projector) see every projection reach every position.
   */
  commitSkippedPositions?: boolean;
}

const DEFAULT_BATCH = 500;

/**
 * Applies batches of events to projections: for each projection, the events after its own position that it reacts
 * to, in one transaction with its new checkpoint. Shared by the live engine and the rebuild.
 */
export class ProjectionApplier {
  private readonly positions = new Map<string, Position | null>();
  /** By event type, the indexes of the projections that react to it. */
  private readonly reactingTo = new Map<string, number[]>();
  /** The checkpoint each projection has in the store, and how many events it skipped since. */
  private readonly stored = new Map<string, Position | null>();
  private readonly skippedSinceStored = new Map<string, number>();
  private readonly committed = new CommittedDocuments();
  /** Per projection, changes applied but not yet committed, and the position they reach. */
  private readonly units = new Map<string, CachedBatchDocuments>();
  private readonly pendingUpTo = new Map<string, Position>();

  constructor(
    private readonly readModels: ReadModelStore,
    readonly projections: readonly Projection[],
  ) {
    projections.forEach((projection, index) => {
      for (const type of new Set(projection.eventTypes)) {
        const reacting = this.reactingTo.get(type);
        if (reacting) reacting.push(index);
        else this.reactingTo.set(type, [index]);
      }
    });
  }

  /** For a rebuild: the projections' collections were just emptied, so the cache starts out knowing all of them. */
  startedEmpty(): void {
    this.committed.startComplete();
  }

  async prepare(): Promise<void> {
    for (const projection of this.projections) {
      for (const [collection, indexes] of Object.entries(projection.collections))
        await this.readModels.ensureIndexes(collection, indexes);
      const checkpoint = await this.readModels.checkpoint(projection.name);
      this.positions.set(projection.name, checkpoint);
      this.stored.set(projection.name, checkpoint);
    }
  }

  /** Where a shared read of the log must start: after the lowest checkpoint (undefined: from the very start). */
  startAfter(): Position | undefined {
    let lowest: Position | undefined;
    for (const position of this.positions.values()) {
      if (position === null) return undefined;
      if (lowest === undefined || position < lowest) lowest = position;
    }
    return lowest;
  }

  position(name: string): Position | null {
    return this.positions.get(name) ?? null;
  }

  /** After an online rebuild switched the projection's documents: its position is the rebuilt one, the cache stale. */
  adopt(name: string, position: Position | null): void {
    this.positions.set(name, position);
    this.stored.set(name, position);
    this.skippedSinceStored.set(name, 0);
    this.committed.clear();
  }

  states(): ProjectionState[] {
    return this.projections.map((p) => ({ name: p.name, position: this.position(p.name) }));
  }

  /**
   * Applies a batch. Live, each projection commits its documents and checkpoint per batch. With `defer` (a
   * rebuild), a projection's changes accumulate across batches and commit, still together with the checkpoint,
   * once many documents wait or at `commitPending`: a document touched in many batches is written once.
   */
  async apply(batch: RecordedEvent[], options: { defer?: boolean } = {}): Promise<void> {
    if (batch.length === 0) return;
    const last = batch[batch.length - 1].position;
    const relevantTo = this.sortOut(batch);
    for (const [index, projection] of this.projections.entries()) {
      const from = this.pendingUpTo.get(projection.name) ?? this.positions.get(projection.name) ?? null;
      if (from !== null && last <= from) continue;
      // Positions grow along the batch: skip what the projection has already.
      let relevant = relevantTo[index];
      if (from !== null && relevant.length > 0 && relevant[0].position <= from)
        relevant = relevant.filter((event) => event.position > from);
      const unit = this.units.get(projection.name);
      if (relevant.length === 0) {
        // Events it does not react to only move the position on; after a restart they are read and skipped again,
        // so a projection that rarely reacts stores its position now and then, lest every start re-read the log.
        if (unit) this.pendingUpTo.set(projection.name, last);
        else {
          this.positions.set(projection.name, last);
          const skipped = (this.skippedSinceStored.get(projection.name) ?? 0) + batch.length;
          this.skippedSinceStored.set(projection.name, skipped);
          if (!options.defer && skipped >= STORE_POSITION_AFTER_SKIPPING)
            await this.storePosition(projection.name, last);
        }
        continue;
      }
      const documents =
        unit ?? new CachedBatchDocuments((collection, ids) => this.load(collection, ids), this.committed);
      this.units.set(projection.name, documents);
      // With every committed document in memory (a rebuild), documents are found as they are asked for.
      if (!this.committed.isComplete) await documents.load(relevant.flatMap((event) => projection.documentsFor(event)));
      for (const event of relevant) {
        documents.applyingAt(event.position);
        projection.apply(event, documents);
      }
      this.pendingUpTo.set(projection.name, last);
      if (!options.defer || documents.pendingWrites >= (this.readModels.maxWritesPerCommit ?? MAX_DEFERRED_WRITES))
        await this.commit(projection.name);
    }
  }

  /** Per projection, the events of the batch it reacts to: one look at each event's type for all projections. */
  private sortOut(batch: RecordedEvent[]): RecordedEvent[][] {
    const relevantTo = this.projections.map((): RecordedEvent[] => []);
    for (const event of batch) {
      const reacting = this.reactingTo.get(event.type);
      if (reacting) for (const index of reacting) relevantTo[index].push(event);
    }
    return relevantTo;
  }

  /** Documents with the position each was written at, from stores that keep it (MongoDB); null from others. */
  private async load(collection: string, ids: string[]): Promise<Map<string, PositionedDocument<Document>>> {
    if (this.readModels.getManyPositioned) return this.readModels.getManyPositioned(collection, ids);
    const found = await this.readModels.getMany(collection, ids);
    return new Map([...found].map(([id, document]) => [id, { document, appliedPosition: null }]));
  }

  /** Commits whatever a deferred apply left pending, and the positions of projections that had nothing to write. */
  async commitPending(): Promise<void> {
    for (const name of [...this.units.keys()]) await this.commit(name);
    for (const { name } of this.projections) {
      const position = this.positions.get(name) ?? null;
      const stored = this.stored.get(name) ?? null;
      if (position !== null && (stored === null || position > stored)) await this.storePosition(name, position);
    }
  }

  private async storePosition(name: string, position: Position): Promise<void> {
    await this.readModels.commit(name, position, async () => undefined);
    this.stored.set(name, position);
    this.skippedSinceStored.set(name, 0);
  }

  /** Commits the checkpoint of each projection that has moved past its stored one by skipping events. */
  async commitSkippedPositions(): Promise<void> {
    for (const projection of this.projections) {
      const position = this.positions.get(projection.name) ?? null;
      const stored = this.stored.get(projection.name) ?? null;
      if (position === null || this.units.has(projection.name) || (stored !== null && position <= stored)) continue;
      await this.storePosition(projection.name, position);
    }
  }

  private async commit(name: string): Promise<void> {
    const documents = this.units.get(name)!;
    const upTo = this.pendingUpTo.get(name)!;
    this.units.delete(name);
    this.pendingUpTo.delete(name);
    let outcome: CommitOutcome | void;
    try {
      outcome = await this.readModels.commit(name, upTo, (writer) => documents.flush(writer));
    } catch (error) {
      this.committed.clear();
      throw error;
    }
    // Documents the store kept because they were already past this batch (a replay without transactions) are not
    // what this batch computed: forget the cache, so that the next batch reads them as stored.
    if (outcome && outcome.staleWrites > 0) this.committed.clear();
    else documents.remember(upTo);
    this.positions.set(name, upTo);
    this.stored.set(name, upTo);
    this.skippedSinceStored.set(name, 0);
  }
}

const MAX_DEFERRED_WRITES = 50_000;
const STORE_POSITION_AFTER_SKIPPING = 10_000;

/**
 * The live engine: one catch-up subscription from the lowest checkpoint, batches of whatever is available
 * (history in large batches, live events as they come), and a wait for read-your-writes.
 */
export class ProjectionEngine {
  private readonly applier: ProjectionApplier;
  private subscription?: AllSubscription;
  private loop?: Promise<void>;
  private failure: unknown;
  private waiters = new Set<() => void>();
  /** Batches, and work that must not interleave with one (an online rebuild's switch), run one after the other. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly events: EventStore,
    readModels: ReadModelStore,
    projections: readonly Projection[],
    private readonly options: ProjectionEngineOptions = {},
  ) {
    this.applier = new ProjectionApplier(readModels, projections);
  }

  async start(): Promise<void> {
    await this.applier.prepare();
    // A checkpoint past the head would make the subscription skip every event up to it, silently.
    assertCheckpointsWithinLog(this.applier.states(), await this.events.headPosition());
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
      .then(() => work((name, position) => this.applier.adopt(name, position)));
    this.turn = run;
    return run;
  }

  projection(name: string): Projection | undefined {
    return this.applier.projections.find((projection) => projection.name === name);
  }

  position(name: string): Position | null {
    return this.applier.position(name);
  }

  states(): ProjectionState[] {
    return this.applier.states();
  }

  /** Resolves true once every named projection has taken `position` into account, false after `timeoutMs`. */
  waitFor(names: readonly string[], position: Position, timeoutMs: number): Promise<boolean> {
    // Positions of recorded events are positive: 0 (what a command that wrote nothing may answer) needs no wait.
    if (position <= 0n) return Promise.resolve(true);
    const reached = () =>
      names.every((name) => {
        const at = this.applier.position(name);
        return at !== null && at >= position;
      });
    if (reached()) return Promise.resolve(true);
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
      // Take more while events are already at hand; stop at the first wait, so live events are not held back.
      while (batch.length < batchSize) {
        const more = await Promise.race([next, nextTurn()]);
        if (more === TURN) break;
        if (more.done) {
          done = true;
          break;
        }
        batch.push(more.value);
        next = iterator.next();
      }
      await this.betweenBatches(() => this.applier.apply(batch));
      // Caught up (no more events at hand): a good moment to store positions moved on by skipped events.
      if (
        this.options.commitSkippedPositions &&
        !done &&
        (batch.length < batchSize || (await Promise.race([next, nextTurn()])) === TURN)
      ) {
        await this.betweenBatches(() => this.applier.commitSkippedPositions());
      }
      this.wake();
      if (done) return;
    }
  }

  private wake(): void {
    for (const check of [...this.waiters]) check();
  }
}

const TURN = Symbol('turn');
function nextTurn(): Promise<typeof TURN> {
  return new Promise((resolve) => setImmediate(() => resolve(TURN)));
}

/** Rebuilds projections from position 0: empties them, then reads the whole log in pages. */
export async function rebuildProjections(
  events: EventStore,
  readModels: ReadModelStore,
  projections: readonly Projection[],
  options: { batchSize?: number; onProgress?: (position: Position, head: Position) => void } = {},
): Promise<{ events: number }> {
  for (const projection of projections) await readModels.reset(projection.name, Object.keys(projection.collections));
  const applier = new ProjectionApplier(readModels, projections);
  await applier.prepare();
  applier.startedEmpty();
  const head = (await events.headPosition()) ?? 0n;
  // Pages of a thousand: larger ones keep more decoded events alive at once, which the garbage collector makes dear.
  const batchSize = options.batchSize ?? 1000;
  let after: Position | undefined;
  let count = 0;
  for (;;) {
    const page = await events.readAll({ afterPosition: after, maxCount: batchSize });
    if (page.length === 0) break;
    await applier.apply(page, { defer: true });
    count += page.length;
    after = page[page.length - 1].position;
    options.onProgress?.(after, head > after ? head : after);
    if (page.length < batchSize) break;
  }
  await applier.commitPending();
  return { events: count };
}
