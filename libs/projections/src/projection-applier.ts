import type { Position, RecordedEvent } from '@app/event-store';
import type { CommitOutcome, Document, PositionedDocument, ReadModelStore } from '@app/read-models';
import { CachedBatchDocuments, CommittedDocuments } from './batch-documents';
import type { Projection } from './projection';

export interface ProjectionState {
  name: string;
  /** The last position the projection has taken into account (applied, or skipped as not its business). */
  position: Position | null;
}

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
  async apply(batch: readonly RecordedEvent[], options: { defer?: boolean } = {}): Promise<void> {
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
  private sortOut(batch: readonly RecordedEvent[]): RecordedEvent[][] {
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

  /**
   * Commits whatever a deferred apply left pending, and the positions of projections that had nothing to write.
   * `last`: this applier applies nothing more (the end of a rebuild), so what it commits need not be remembered as
   * the committed state — copying every document of a rebuild into the cache only to drop it was a tenth of its work.
   */
  async commitPending(options: { last?: boolean } = {}): Promise<void> {
    for (const name of [...this.units.keys()]) await this.commit(name, !options.last);
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

  private async commit(name: string, remember = true): Promise<void> {
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
    else if (remember) documents.remember(upTo);
    else this.committed.clear();
    this.positions.set(name, upTo);
    this.stored.set(name, upTo);
    this.skippedSinceStored.set(name, 0);
  }
}

const MAX_DEFERRED_WRITES = 50_000;
const STORE_POSITION_AFTER_SKIPPING = 10_000;
