import Database from 'better-sqlite3';

/**
 * The events table as files made before issue 15's twenty-fifth session have it: the position an AUTOINCREMENT key,
 * counted in `sqlite_sequence`. Such a file keeps this schema when a store opens it (`CREATE TABLE IF NOT EXISTS`).
 */
export const LEGACY_EVENTS_SCHEMA = `
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

/** Makes `file` a store file of the old schema (in WAL mode, as the store opens files), with no events yet. */
export function createLegacyFile(file: string): void {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.exec(LEGACY_EVENTS_SCHEMA);
  } finally {
    db.close();
  }
}
