import type Database from 'better-sqlite3';

/**
 * The SQLite store's `appendMark` (see the port): a counter that moves whenever the file may hold events it did not
 * hold when the last mark was taken. Two facts make it sound, both SQLite's own:
 * - `PRAGMA data_version` changes whenever another connection (another process, or another store on the same file)
 *   has committed since this connection last asked; it does not change for this connection's own commits;
 * - `total_changes()` counts the rows this connection has inserted, updated or deleted since it was opened, so it
 *   moves with every append this store makes (and with any other write of its, which only makes the mark move
 *   needlessly, never stay wrongly).
 * Neither depends on how or when the store commits. `total_changes()` touches no table (~0.3 µs) and is asked every
 * time. `data_version` begins a read (the WAL's shared-memory locks: two fcntl calls), which under load cost about as
 * much as the stream read the mark saves (6.8 % of a usage record's profile when asked on every read), so it is
 * asked once per turn of the event loop: the first mark of a turn reads it, the later ones reuse it, and the turn's
 * check phase (`setImmediate`) forgets it. That keeps what a cross-process reader needs: a request that reached this
 * process after another process's commit was acknowledged arrived before the poll that delivered it returned, so
 * before any mark of that turn (or a later one) was taken; the mark therefore already reflects that commit.
 */
export class SqliteAppendMark {
  private readonly dataVersion: Database.Statement<[], number>;
  private readonly ownChanges: Database.Statement<[], number>;
  private version = -1;
  private changes = -1;
  private mark = 0;
  /** True from the first mark of an event-loop turn until that turn's check phase. */
  private versionFresh = false;
  private readonly forgetVersion = () => {
    this.versionFresh = false;
  };

  constructor(db: Database.Database) {
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.ownChanges = db.prepare<[], number>('SELECT total_changes()').pluck();
  }

  current(): number {
    const changes = this.ownChanges.get()!;
    let version = this.version;
    if (!this.versionFresh) {
      version = this.dataVersion.get()!;
      this.versionFresh = true;
      setImmediate(this.forgetVersion);
    }
    if (changes !== this.changes || version !== this.version) {
      this.changes = changes;
      this.version = version;
      this.mark++;
    }
    return this.mark;
  }
}
