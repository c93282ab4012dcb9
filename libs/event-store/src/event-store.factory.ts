import type { AppConfig } from '@app/config';
import type { EventStore } from './event-store.port';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

/** The configured adapter, for the service and the CLI alike. */
export function createEventStore(config: AppConfig): EventStore {
  switch (config.eventStore.adapter) {
    case 'embedded': {
      const { file, synchronous, pollIntervalMs } = config.eventStore.sqlite;
      return new SqliteEventStore({ file, synchronous, pollIntervalMs });
    }
  }
}
