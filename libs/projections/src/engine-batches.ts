import type { Position, RecordedEvent } from '@app/event-store';
import type { ReadModelStore } from '@app/read-models';
import { GroupedCommits } from './grouped-commits';
import type { Projection } from './projection';
import { ProjectionApplier, type ProjectionState } from './projection-applier';

/**
 * What the live engine hands its batches to: the applying and committing of a batch, and the positions the store
 * holds once it committed. The engine keeps the coordination (subscription, order of batches, waiters, failure,
 * online rebuilds); this does the work — on the event loop (InThreadBatches) or on a worker thread with connections
 * of its own (ProjectionThread, issue 15 goal 4). One call at a time: the engine awaits each before the next.
 */
export interface EngineBatches {
  /** Ensures the projections' indexes and reads their checkpoints. */
  prepare(): Promise<void>;
  /** The positions the store holds, as of the last call that succeeded. */
  states(): ProjectionState[];
  /** Where a shared read of the log must start: after the lowest checkpoint (undefined: from the very start). */
  startAfter(): Position | undefined;
  /**
   * Applies a batch of consecutive events of the log and commits it; on failure nothing of it is written and every
   * projection stays where the store has it.
   */
  apply(batch: readonly RecordedEvent[]): Promise<void>;
  /** Commits the checkpoints of projections that moved on only by skipping events. */
  commitSkippedPositions(): Promise<void>;
  /** After an online rebuild switched a projection's documents: its position, and whatever was cached of it goes. */
  adopt(name: string, position: Position | null): void;
  /** Ends what it holds (a thread); the engine calls it with no batch in flight. */
  close(): Promise<void>;
}

/** The batches applied on this thread, through the store the engine was given. */
export class InThreadBatches implements EngineBatches {
  private readonly applier: ProjectionApplier;
  /** Where the store commits several projections at once: every batch commits in one transaction. */
  private readonly group: GroupedCommits | undefined;
  /** The positions as of the last group that committed: where a failed group puts every projection back. */
  private committed: ProjectionState[] = [];

  constructor(readModels: ReadModelStore, projections: readonly Projection[]) {
    const commitMany = readModels.commitMany?.bind(readModels);
    this.group = commitMany ? new GroupedCommits(readModels, commitMany) : undefined;
    this.applier = new ProjectionApplier(this.group?.store ?? readModels, projections);
  }

  async prepare(): Promise<void> {
    await this.applier.prepare();
    this.committed = this.applier.states();
  }

  states(): ProjectionState[] {
    return this.committed;
  }

  startAfter(): Position | undefined {
    return this.applier.startAfter();
  }

  apply(batch: readonly RecordedEvent[]): Promise<void> {
    return this.grouped(() => this.applier.apply(batch));
  }

  commitSkippedPositions(): Promise<void> {
    return this.grouped(() => this.applier.commitSkippedPositions());
  }

  adopt(name: string, position: Position | null): void {
    this.applier.adopt(name, position);
    this.committed = this.committed.map((state) => (state.name === name ? { name, position } : state));
  }

  async close(): Promise<void> {
    // Nothing of its own: the store is the caller's.
  }

  /**
   * Runs the applier's `work` with its commits grouped into one, then takes the positions it reached. If any of it
   * fails — a projection's apply, a store's refusal, the COMMIT — nothing of the group is written (the store's
   * `commitMany` is one transaction; see its port for a store without them), so every projection is put back to the
   * position it had committed, which is what the store holds, and its cached documents are dropped: no event is lost
   * (the engine stops; a restart applies the batch from the stored checkpoints) and none applies twice.
   */
  private async grouped(work: () => Promise<void>): Promise<void> {
    if (!this.group) {
      await work();
      this.committed = this.applier.states();
      return;
    }
    this.group.open();
    let outcomes;
    try {
      await work();
      outcomes = await this.group.commitGroup();
    } catch (error) {
      this.group.discard();
      for (const { name, position } of this.committed) this.applier.adopt(name, position);
      throw error;
    }
    // A store that found documents already past a batch (replayed without transactions) kept them: what the
    // applier cached for that projection is not what the store holds, so it reads them again (adopt drops the cache).
    for (const [name, outcome] of outcomes)
      if (outcome && outcome.staleWrites > 0) this.applier.adopt(name, this.applier.position(name));
    this.committed = this.applier.states();
  }
}
