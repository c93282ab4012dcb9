import type { Position } from '@app/event-store';
import type { CommitOutcome, ProjectionCommit, ReadModelStore, ReadModelWriter } from '@app/read-models';

/**
 * The read-model store as the live engine hands it to its applier: while a group is open, `commit` only records the
 * projection's part (its work and checkpoint) and answers at once, and `commitGroup` then commits every recorded
 * part with the store's `commitMany` — one transaction per batch of events for all projections instead of one per
 * projection (on SQLite a COMMIT costs more than the few writes an AssignLicense makes). Outside a group, and for
 * everything else, it is the store itself.
 *
 * The applier believes a recorded part committed as soon as `commit` answers: it moves that projection's position
 * and remembers its documents as committed. So the engine publishes positions only after `commitGroup` succeeded,
 * and when it fails the engine puts every projection back where the store has it (see ProjectionEngine).
 */
export class GroupedCommits {
  private parts: ProjectionCommit[] | undefined;
  readonly store: ReadModelStore;

  constructor(
    private readonly inner: ReadModelStore,
    private readonly commitMany: NonNullable<ReadModelStore['commitMany']>,
  ) {
    const commit = (projection: string, checkpoint: Position, work: (writer: ReadModelWriter) => Promise<void>) =>
      this.commit(projection, checkpoint, work);
    // Every other member is the store's own, called on the store itself (its methods keep state such as a queue on
    // `this`); optional members stay absent where the store has none, as the applier looks for them.
    this.store = new Proxy(inner, {
      get: (target, key) => {
        if (key === 'commit') return commit;
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /** Starts recording commits; they are made by the next `commitGroup` (or dropped by `discard`). */
  open(): void {
    if (this.parts) throw new Error('a commit group is already open');
    this.parts = [];
  }

  /** Commits what was recorded since `open`, all in one; the outcomes by projection. */
  async commitGroup(): Promise<Array<[projection: string, outcome: CommitOutcome | void]>> {
    const parts = this.parts ?? [];
    this.parts = undefined;
    if (parts.length === 0) return [];
    const outcomes = await this.commitMany(parts);
    return parts.map((part, index) => [part.projection, outcomes[index]]);
  }

  /** Drops what was recorded: nothing of it reaches the store. */
  discard(): void {
    this.parts = undefined;
  }

  private async commit(
    projection: string,
    checkpoint: Position,
    work: (writer: ReadModelWriter) => Promise<void>,
  ): Promise<CommitOutcome | void> {
    if (!this.parts) return this.inner.commit(projection, checkpoint, work);
    this.parts.push({ projection, checkpoint, work });
  }
}
