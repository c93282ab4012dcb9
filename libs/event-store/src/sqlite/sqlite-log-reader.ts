import Database from 'better-sqlite3';
import type { Position, RecordedEvent } from '../event-store.port';
import { type EventRow, toRecordedEvent } from './sqlite-queries';

/**
 * A read-only connection of its own to an events file, for a thread that applies what the owning store has told it
 * is there (the API's projection thread, issue 15 goal 4): it is handed positions, never events, and reads the same
 * rows into the same `RecordedEvent`s as `readAll` (decoding and upcasting stay with the projections' decoders).
 * It neither creates nor writes the file, and takes no lock: the process that owns the store holds the data dir.
 */
export class SqliteLogReader {
  private readonly db: Database.Database;
  private readonly range: Database.Statement<[number, number], EventRow>;

  constructor(file: string, busyTimeoutMs = 5000) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    this.db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    this.range = this.db.prepare('SELECT * FROM events WHERE position >= ? AND position <= ? ORDER BY position ASC');
  }

  /** The events from `first` to `last`, both included, in log order. */
  between(first: Position, last: Position): RecordedEvent[] {
    return this.range.all(Number(first), Number(last)).map(toRecordedEvent);
  }

  close(): void {
    this.db.close();
  }
}
