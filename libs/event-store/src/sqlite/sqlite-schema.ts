/**
 * One table holds every stream. The autoincrement key is the global position: SQLite serialises writers, so
 * positions are handed out, and become visible, in commit order, and AUTOINCREMENT never reuses a committed one.
 */
export const EVENTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY AUTOINCREMENT,
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
