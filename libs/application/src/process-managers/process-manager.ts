import type { AllFilter, Position, RecordedEvent } from '@app/event-store';

/**
 * Reacts to events by sending commands. The runtime delivers each event at least once (again after a crash between
 * the command and the checkpoint), so `handle` must be idempotent: it derives its command ids from the event, and
 * the command runner answers a repeated id from the record instead of deciding again.
 */
export interface ProcessManager {
  /** Names its checkpoint: keep it stable, or the manager starts over from the first event. */
  readonly name: string;
  /** The events it reacts to; the subscription reads nothing else. */
  readonly filter: Required<Pick<AllFilter, 'eventTypes'>> & Pick<AllFilter, 'streamPrefix'>;
  handle(event: RecordedEvent): Promise<void>;
}

/**
 * The application layer's own checkpoint port: where the runtime keeps each manager's checkpoint. The composition
 * root binds it (`CHECKPOINT_STORE`) to the read-model store's checkpoints, under names no projection uses, so that
 * rebuilding the projections (which resets their checkpoints only) never replays a manager.
 */
export interface CheckpointStore {
  /** The stored checkpoint of `name`, or null before the first. */
  checkpoint(name: string): Promise<Position | null>;
  /** Runs `work`, then records `checkpoint` for `name`; all of it commits, or none of it. */
  commit(name: string, checkpoint: Position, work: () => Promise<void>): Promise<unknown>;
}

/** The Nest token of the process managers' `CheckpointStore`. */
export const CHECKPOINT_STORE = Symbol('CHECKPOINT_STORE');

export const processManagerCheckpoint = (name: string): string => `process-manager/${name}`;
