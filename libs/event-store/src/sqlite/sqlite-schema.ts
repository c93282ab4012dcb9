/**
 * One table holds every stream. Its integer primary key (the rowid) is the global position: SQLite serialises
 * writers, so positions are handed out, and become visible, in commit order. A new row takes the largest rowid
 * plus one; events are never deleted (no statement of the store deletes one, and the table has no other writer), so
 * the largest committed position never goes back and no committed position is ever handed out again. A savepoint
 * rolled back for a refused append gives its positions back to the same transaction, as before.
 *
 * No AUTOINCREMENT (issue 15, goal 4): it only adds, over the rowid, that the positions of deleted rows are not
 * reused — there are none — and it rewrote the `sqlite_sequence` table's page in every commit: one WAL frame of the
 * ~15–22 a commit of ~10 single-event appends writes (two pwrite calls and a 4 KiB checksum each). A file made
 * before keeps its schema (`CREATE TABLE IF NOT EXISTS`): it goes on counting in `sqlite_sequence`, and hands out
 * the same positions a new file does, since neither ever deletes a row (sqlite-schema.spec compares them).
 */
export const EVENTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY,
  stream      TEXT    NOT NULL,
  revision    INTEGER NOT NULL,
  event_id    TEXT    NOT NULL,
  type        TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  recorded_at TEXT    NOT NULL,
  UNIQUE (stream, revision),
  UNIQUE (stream, event_id)
);
CREATE INDEX IF NOT EXISTS events_by_type ON events (type, position);
`;
