import type { StateCodec } from '@app/domain';
import type { SnapshotStore, StoredSnapshot } from '@app/event-store';
import { CommandMemory, RecordedCommand } from './command-memory';

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

export function snapshotDue(tailBytes: number, stateBytes: number): boolean {
  return tailBytes >= Math.max(MIN_TAIL_BYTES, stateBytes / STATE_SHARE);
}

interface StoredCommand<Event> {
  id: string;
  hash: string;
  summary: unknown;
  position: string | null;
  events: Event[];
}

/** The snapshot of a stream's state at `revision`, with the commands its retries are answered from. */
export function snapshotOf<State, Event>(
  stream: string,
  codec: StateCodec<State, Event>,
  at: { state: State; revision: number; position: bigint | null; lastHash: string | null; commands: CommandMemory<Event> },
): StoredSnapshot {
  const commands: StoredCommand<Event>[] = [];
  for (const [id, command] of at.commands.entries()) {
    commands.push({ id, hash: command.hash, summary: command.summary, position: command.position?.toString() ?? null, events: command.events });
  }
  return {
    stream,
    revision: at.revision,
    version: codec.version,
    position: at.position,
    lastHash: at.lastHash,
    // Encoded now: the state is folded in place by the next turn.
    state: codec.encode(at.state),
    extra: JSON.stringify({ commands }),
  };
}

/** The commands a snapshot remembers, back into a command memory (oldest first, as they were). */
export function restoreCommands<Event>(extra: string, into: CommandMemory<Event>): void {
  const { commands } = JSON.parse(extra) as { commands: StoredCommand<Event>[] };
  for (const command of commands) {
    const recorded: RecordedCommand<Event> = {
      hash: command.hash,
      summary: command.summary,
      events: command.events,
      position: command.position === null ? null : BigInt(command.position),
    };
    into.set(command.id, recorded);
  }
}
