import type { StateCodec } from '@app/domain';
import type { Position, Revision, SnapshotStore, StoredSnapshot } from '@app/event-store';
import { CommandMemory } from './command-memory';
import { SnapshotBuffers } from './snapshot-buffers';
import { commandParts, restoreCommands } from './snapshot-commands';

export { restoreCommands };

/** Where and how a runner keeps snapshots of its streams. */
export interface SnapshotSettings {
  store: SnapshotStore;
  /** Told when a snapshot could not be saved; commands go on (a snapshot only saves work). */
  onError?: (error: unknown, stream: string) => void;
}

/** A tail of at least this many (estimated) bytes of events is worth a snapshot... */
const MIN_TAIL_BYTES = 256 * 1024;
/**
 * ...and of at least an eighth of the state's size: the writes of snapshots then cost at most about eight bytes
 * per byte of events, and a load folds a tail of at most an eighth of the state (or 256 kB), so a restart reads a
 * bounded tail whatever the stream's length.
 */
const STATE_SHARE = 8;

/** `snapshotBytes`: what a snapshot would weigh, the state and the command memory it carries (both estimated). */
export function snapshotDue(tailBytes: number, snapshotBytes: number): boolean {
  return tailBytes >= Math.max(MIN_TAIL_BYTES, snapshotBytes / STATE_SHARE);
}

/** The snapshot of a stream's state at `revision`, with the commands its retries are answered from. */
export function snapshotOf<State, Event>(
  stream: string,
  codec: StateCodec<State, Event>,
  at: {
    state: State;
    revision: number;
    position: bigint | null;
    lastHash: string | null;
    commands: CommandMemory<Event>;
  },
  buffers?: SnapshotBuffers,
): StoredSnapshot {
  // The commands' JSON as parts, each group of them made once (commandParts): the store writes them uncopied.
  const parts = commandParts(at.commands);
  return {
    stream,
    revision: at.revision,
    version: codec.version,
    position: at.position,
    lastHash: at.lastHash,
    // Encoded now: the state is folded in place by the next turn.
    state: buffers ? codec.encode(at.state, (byteLength) => buffers.take(byteLength)) : codec.encode(at.state),
    extra: parts,
  };
}

/** What the runner caches of a stream, as far as snapshots are concerned. */
export interface SnapshotPoint<State, Event> {
  state: State;
  revision: Revision | 'no_stream';
  lastPosition: Position | null;
  lastHash: string | null;
  commands: CommandMemory<Event>;
  /** Estimated bytes of the events folded since the last snapshot (or the start). */
  tailBytes: number;
}

/** The snapshots of one runner's streams: restored when a stream is loaded, saved when due, off the event loop. */
export class StreamSnapshots<State, Event> {
  private readonly saving = new Set<Promise<void>>();
  /** Streams whose snapshot is being written: one write per stream at a time, the next waits until it is due. */
  private readonly writing = new Set<string>();
  /** The states' encodings, reused once their save settled (the store keeps none of the bytes it was given). */
  readonly buffers = new SnapshotBuffers();

  constructor(
    private readonly settings: SnapshotSettings,
    private readonly codec: StateCodec<State, Event>,
  ) {}

  /** Fills `into` (a fresh, empty point) from the stream's snapshot; false when there is none of this version. */
  async restore(stream: string, into: SnapshotPoint<State, Event>): Promise<boolean> {
    const snapshot = await this.settings.store.load(stream);
    if (!snapshot || snapshot.version !== this.codec.version) return false;
    into.state = this.codec.decode(snapshot.state);
    into.revision = snapshot.revision;
    into.lastPosition = snapshot.position;
    into.lastHash = snapshot.lastHash;
    restoreCommands(snapshot.extra, into.commands);
    return true;
  }

  /** Saves a snapshot once enough events were folded since the last one (see snapshotDue). */
  saveIfDue(stream: string, point: SnapshotPoint<State, Event>): void {
    if (point.revision === 'no_stream' || this.writing.has(stream)) return;
    if (!snapshotDue(point.tailBytes, this.codec.stateBytes(point.state) + point.commands.bytes)) return;
    const snapshot = snapshotOf(
      stream,
      this.codec,
      { ...point, revision: point.revision, position: point.lastPosition },
      this.buffers,
    );
    point.tailBytes = 0;
    const { store, onError } = this.settings;
    const saving = store.save(snapshot).catch((error: unknown) => {
      if (onError) onError(error, stream);
      else process.emitWarning(`snapshot of ${stream} at revision ${snapshot.revision} not saved: ${String(error)}`);
    });
    this.saving.add(saving);
    this.writing.add(stream);
    void saving.finally(() => {
      this.saving.delete(saving);
      this.writing.delete(stream);
      this.buffers.give(snapshot.state);
    });
  }

  /** Resolves once every save under way has ended (saved or reported). */
  async saved(): Promise<void> {
    while (this.saving.size > 0) await Promise.all([...this.saving]);
  }
}
