import type Database from 'better-sqlite3';

/**
 * The SQLite store's `appendMark` (see the port): a counter that moves whenever the file may hold events it did not
 * hold when the last mark was taken. Two facts make it sound, both SQLite's own:
 * - `PRAGMA data_version` changes whenever another connection (another process, or another store on the same file)
 *   has committed since this connection last asked; it does not change for this connection's own commits;
 * - `total_changes()` counts the rows this connection has inserted, updated or deleted since it was opened, so it
 *   moves with every append this store makes (and with any other write of its, which only makes the mark move
 *   needlessly, never stay wrongly).
 * Neither depends on how or when the store commits. Cost: `data_version` begins a read (the WAL's shared-memory
 * locks, ~5 µs), a third of an empty stream read's two queries; `total_changes()` touches no table (~0.3 µs).
 */
export class SqliteAppendMark {
  private readonly dataVersion: Database.Statement<[], number>;
  private readonly ownChanges: Database.Statement<[], number>;
  private version = -1;
  private changes = -1;
  private mark = 0;

  constructor(db: Database.Database) {
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.ownChanges = db.prepare<[], number>('SELECT total_changes()').pluck();
  }

  current(): number {
    const changes = this.ownChanges.get()!;
    const version = this.dataVersion.get()!;
    if (changes !== this.changes || version !== this.version) {
      this.changes = changes;
      this.version = version;
      this.mark++;
    }
    return this.mark;
  }
}
