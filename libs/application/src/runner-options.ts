import type { AppConfig } from '@app/config';
import type { StateCodec } from '@app/domain';
import type { SnapshotStore } from '@app/event-store';
import type { DeciderRunnerOptions } from './decider-runner';

/**
 * The options of a runner over big streams (the ledger, metering months), from the configuration: the memory
 * budget, snapshots where the store keeps them, and a bounded command memory (8 MB of answers at most per stream).
 * `answers: 'summary'` where a retry is answered from the command's summary alone: its events are not remembered
 * (see CommandMemoryLimits.keepEvents).
 */
export function scaledRunnerOptions<State, Event>(
  config: AppConfig,
  codec: StateCodec<State, Event>,
  snapshots: SnapshotStore | null,
  onSnapshotError: (error: unknown, stream: string) => void,
  answers: 'events' | 'summary' = 'events',
): DeciderRunnerOptions<State, Event> {
  return {
    cacheBytes: config.commands.cacheBytes,
    codec,
    ...(snapshots ? { snapshots: { store: snapshots, onError: onSnapshotError } } : {}),
    commandMemory: {
      commands: config.commands.idempotencyWindow,
      bytes: 8 * 1024 * 1024,
      keepEvents: answers === 'events',
    },
  };
}
