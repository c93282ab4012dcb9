import type { CommittedTailLimits } from './committed-tail';
import type { WalSyncer } from './wal-syncer';

export type SqliteSynchronous = 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';

export interface SqliteEventStoreOptions {
  /** Database file; ':memory:' for a throw-away store. */
  file: string;
  /**
   * WAL sync level. NORMAL survives a killed process (the WAL write reaches the OS before the commit returns). FULL,
   * the default, survives power loss: SQLite runs with NORMAL and the store fdatasyncs the WAL off the event loop,
   * answering an append once a sync started after its commit completed (WalSyncGate). EXTRA: SQLite syncs in commit.
   */
  synchronous?: SqliteSynchronous;
  /** How the WAL is made durable at FULL (tests hold, count and fail syncs); an fdatasync of `<file>-wal` if unset. */
  walSyncer?: WalSyncer;
  /** How often subscriptions look for events appended by other processes sharing the file. */
  pollIntervalMs?: number;
  busyTimeoutMs?: number;
  /** How many of its own latest events the store keeps to serve live subscription pages (see CommittedTail). */
  committedTail?: Partial<CommittedTailLimits>;
}
