import type Database from 'better-sqlite3';
import type { SqliteAppendMarks } from './sqlite-append-mark';

/**
 * The highest position in the file as the store knows it, without `SELECT MAX(position)` on every commit (the WAL
 * gate reads it before each sync, every subscription before each page: 3.4 queries per commit under load).
 * - The store's own commits move it without a query: a commit holds the write lock, so its last event is the file's
 *   last at that moment (positions are handed out in commit order, see sqlite-schema.ts).
 * - Another connection's commit moves `PRAGMA data_version` (asked once per turn of the event loop, see
 *   SqliteAppendMarks), and then the head is read again. Until then it may be behind the file, never ahead of it:
 *   every position up to it is committed, so readers that stop there see no gap. A later turn sees the later
 *   commit, and the subscriptions poll. Readers that answer a request directly (`readAll`, `headPosition`) ask
 *   SQLite itself.
 */
export class SqliteKnownHead {
  private readonly maxPosition: Database.Statement<[], number | null>;
  private known = 0;
  /** The `data_version` the head was read at; NaN: never read. */
  private knownAt = Number.NaN;

  constructor(
    db: Database.Database,
    private readonly marks: SqliteAppendMarks,
  ) {
    this.maxPosition = db.prepare<[], number | null>('SELECT MAX(position) FROM events').pluck();
  }

  /** The head, read again only when another connection has committed since it was last read (0: empty). */
  current(): number {
    const version = this.marks.version();
    if (version !== this.knownAt) {
      this.known = this.read();
      this.knownAt = version;
    }
    return this.known;
  }

  /** The head as SQLite has it now (0: empty), for a reader answering a request (readAll, headPosition). */
  read(): number {
    const head = this.maxPosition.get() ?? 0;
    this.committed(head);
    return head;
  }

  /**
   * The head as known, without asking anything: for the WAL gate, before a sync. Every position a reader asks the
   * gate to cover was taken from `current` or `read`, which moved it there first, so a sync started after the ask
   * covers it; a commit of another connection that no reader asked for is covered when one does.
   */
  peek(): number {
    return this.known;
  }

  /** An event at `position` is committed (the store's own latest, or a head read): every position up to it is. */
  committed(position: number): void {
    if (position > this.known) this.known = position;
  }
}
