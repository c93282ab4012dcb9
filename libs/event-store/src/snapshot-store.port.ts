import type { Position, Revision } from './event-store.port';

/**
 * A stream's folded state at one revision, kept beside the events so that loading a long stream reads the
 * snapshot and the events after it instead of the whole stream. A snapshot is a cache: losing one costs a full
 * fold, never a fact. The events stay the truth; a snapshot that does not match them is ignored.
 */
export interface StoredSnapshot {
  stream: string;
  /** The last event folded in. */
  revision: Revision;
  /** The state codec's version: one of another version is ignored. */
  version: number;
  /** The global position of the event at `revision`. */
  position: Position | null;
  /** The hash of the event at `revision` (event-chain.ts): the reader checks that the stream still has it. */
  lastHash: string | null;
  state: Uint8Array;
  /**
   * What the runner keeps beside the state (its recent commands), as UTF-8 JSON, in parts written one after the
   * other (a load answers one part). Parts, not one buffer: the runner keeps each command's JSON made once, and
   * joining up to 8 MB of them into a fresh buffer for every snapshot was a tenth of the CPU of a busy month.
   */
  extra: readonly Uint8Array[];
}

export interface SnapshotStore {
  load(stream: string): Promise<StoredSnapshot | null>;
  /**
   * Keeps the snapshot unless one of a later revision is stored already. The store must not hold on to `state` or
   * `extra` once the promise settled: the runner writes its next snapshots into the same buffers.
   */
  save(snapshot: StoredSnapshot): Promise<void>;
  close(): Promise<void>;
}

export const SNAPSHOT_STORE = Symbol('SNAPSHOT_STORE');
