import { AppConfig, redactUrl } from '@app/config';
import { EventStoreUnavailableError } from './event-store.errors';
import type { EventStore } from './event-store.port';
import { KurrentDbEventStore } from './kurrentdb/kurrentdb-event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';
import type { SnapshotStore } from './snapshot-store.port';
import { FileSnapshotStore } from './file-snapshot-store';
import { dirname, join } from 'node:path';
import { acquireDataDirLock, DataDirLock } from './sqlite/data-dir-lock';

export interface EventStoreFactoryHooks {
  /** Told when a KurrentDB subscription drops and will be resumed. */
  onSubscriptionDropped?(error: unknown, failures: number, delayMs: number): void;
}

/** The configured adapter, for the service and the CLI alike (no connection is made yet). */
export function createEventStore(config: AppConfig, hooks: EventStoreFactoryHooks = {}): EventStore {
  switch (config.eventStore.adapter) {
    case 'embedded': {
      const { file, synchronous, pollIntervalMs } = config.eventStore.sqlite;
      return new SqliteEventStore({ file, synchronous, pollIntervalMs });
    }
    case 'kurrentdb':
      return KurrentDbEventStore.fromConnectionString(kurrentUrl(config), {
        connectTimeoutMs: config.connectTimeoutMs,
        onSubscriptionDropped: hooks.onSubscriptionDropped,
      });
  }
}

/**
 * The configured adapter, once it has answered: a selected server that cannot be reached within the connect
 * timeout stops the start with an error that names it.
 */
export async function openEventStore(config: AppConfig, hooks: EventStoreFactoryHooks = {}): Promise<EventStore> {
  const store = createEventStore(config, hooks);
  if (store instanceof KurrentDbEventStore) {
    try {
      await store.verifyReachable();
    } catch (error) {
      await store.close();
      throw new EventStoreUnavailableError(
        `cannot reach KurrentDB at ${redactUrl(kurrentUrl(config))} within ${config.connectTimeoutMs} ms: ${(error as Error).message}`,
        error,
      );
    }
  }
  return store;
}

function kurrentUrl(config: AppConfig): string {
  const url = config.eventStore.kurrentdb.url;
  if (url === null) throw new EventStoreUnavailableError('LICENSING_EVENT_STORE=kurrentdb needs KURRENTDB_URL');
  return url;
}

/**
 * Where the command runners keep snapshots: with the embedded store, `snapshots/` beside `events.db`; with
 * KurrentDB none (streams are then folded from their start when loaded; a `$snapshot-…` stream would be the place).
 */
export function createSnapshotStore(config: AppConfig): SnapshotStore | null {
  if (!config.commands.snapshots || config.eventStore.adapter !== 'embedded') return null;
  const { file } = config.eventStore.sqlite;
  return file === ':memory:' ? null : new FileSnapshotStore(join(dirname(file), 'snapshots'));
}

/**
 * Takes the data directory for a process that writes its read models (`read-models.db`: projections and process
 * manager checkpoints), so that a second such writer — another API, a projector, an offline rebuild — is refused at
 * start instead of interleaving batches with it. Events need no such lock: several processes may append to
 * `events.db` (an API beside a projector that raises notices), SQLite and the expected revisions keep that safe.
 * `events: true` is for a process that needs the event store to itself (an import into an empty store). Null when
 * nothing it writes is embedded.
 */
export function lockDataDirIfEmbedded(
  config: AppConfig,
  role: string,
  writes: { events?: boolean; readModels?: boolean },
): DataDirLock | null {
  const embedded =
    (writes.events && config.eventStore.adapter === 'embedded') ||
    (writes.readModels && config.readModels.adapter === 'embedded');
  return embedded ? acquireDataDirLock(config.dataDir, role) : null;
}
