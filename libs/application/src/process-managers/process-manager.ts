import type { AllFilter, RecordedEvent } from '@app/event-store';
import type { ReadModelStore } from '@app/read-models';

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
 * Where the runtime keeps each manager's checkpoint: the read-model store's checkpoints, under names no projection
 * uses, so that rebuilding the projections (which resets their checkpoints only) never replays a manager.
 */
export type CheckpointStore = Pick<ReadModelStore, 'checkpoint' | 'commit'>;

export const processManagerCheckpoint = (name: string): string => `process-manager/${name}`;
