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
  /**
   * The WAL size, in pages, at which a commit checkpoints it (SQLite's `wal_autocheckpoint`); 8,000 (32 MiB at
   * 4 KiB pages) when unset, instead of SQLite's 1,000. See `DEFAULT_WAL_AUTOCHECKPOINT_PAGES`.
   */
  walAutocheckpointPages?: number;
}

/**
 * SQLite checkpoints the WAL inside the commit that finds it this long, on the event loop: it reads back every page
 * the log holds, writes it into the database file and syncs both. A page written again and again (the random leaves
 * of the `(stream, event_id)` index, the table's interior pages, page 1) is copied once per checkpoint, so a longer
 * log copies fewer pages per commit: measured on commits of 10 events of ~750 bytes into a file of 20k–100k events
 * (bench/PROFILES.md, "Session 25 — single25"), 1,000 pages read and wrote back 10–14 pages per commit, 8,000 pages
 * 4–5, and a commit cost ~20 % less CPU and ~30 % less wall time. The price: up to 32 MiB of log on disk, which a
 * process that opens the file after a crash reads once to recover (~30 ms measured, against ~10 ms), and a longer
 * checkpoint when the last connection closes.
 */
export const DEFAULT_WAL_AUTOCHECKPOINT_PAGES = 8000;

/** The option as the pragma takes it: a positive integer (it is written into the SQL, and 0 would never checkpoint). */
export function walAutocheckpointPages(pages: number | undefined): number {
  if (pages === undefined) return DEFAULT_WAL_AUTOCHECKPOINT_PAGES;
  if (!Number.isSafeInteger(pages) || pages < 1) {
    throw new RangeError(`walAutocheckpointPages must be a positive integer, got ${String(pages)}`);
  }
  return pages;
}
