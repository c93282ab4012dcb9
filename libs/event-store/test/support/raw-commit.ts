import Database from 'better-sqlite3';

/**
 * Commits one event to a store's file from a connection of its own, synchronously, as another process would: the
 * store's append marks must notice it no sooner than their next turn of the event loop.
 */
export function commitFromAnotherConnection(file: string, stream: string, revision: number): void {
  const raw = new Database(file);
  try {
    raw
      .prepare(
        "INSERT INTO events (stream, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, 'Counted', '{}', '{}', '')",
      )
      .run(stream, revision, `raw-${revision}`);
  } finally {
    raw.close();
  }
}
