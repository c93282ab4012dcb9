import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SnapshotStore, StoredSnapshot } from '../snapshot-store.port';

interface SnapshotRow {
  stream: string;
  revision: number;
  version: number;
  position: number | null;
  last_hash: string | null;
  state: Buffer;
  extra: string;
}

/**
 * Snapshots of the embedded store, in their own SQLite file beside `events.db` (`snapshots.db`): their writes never
 * hold the lock that event appends need, and they run at synchronous=NORMAL, without an fsync per snapshot. WAL
 * mode keeps the file consistent after a crash; a snapshot lost then costs a longer fold, nothing else.
 */
export class SqliteSnapshotStore implements SnapshotStore {
  private readonly db: Database.Database;
  private readonly select: Database.Statement<[string], SnapshotRow>;
  private readonly upsert: Database.Statement;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS snapshots (
      stream TEXT PRIMARY KEY, revision INTEGER NOT NULL, version INTEGER NOT NULL, position INTEGER,
      last_hash TEXT, state BLOB NOT NULL, extra TEXT NOT NULL)`);
    this.select = this.db.prepare('SELECT * FROM snapshots WHERE stream = ?');
    // A later revision is never replaced by an earlier one (two processes, or a slow save).
    this.upsert = this.db.prepare(`INSERT INTO snapshots (stream, revision, version, position, last_hash, state, extra)
      VALUES (@stream, @revision, @version, @position, @last_hash, @state, @extra)
      ON CONFLICT(stream) DO UPDATE SET revision = excluded.revision, version = excluded.version, position = excluded.position,
        last_hash = excluded.last_hash, state = excluded.state, extra = excluded.extra
      WHERE excluded.revision > snapshots.revision OR excluded.version <> snapshots.version`);
  }

  async load(stream: string): Promise<StoredSnapshot | null> {
    const row = this.select.get(stream);
    if (!row) return null;
    return {
      stream: row.stream,
      revision: row.revision,
      version: row.version,
      position: row.position === null ? null : BigInt(row.position),
      lastHash: row.last_hash,
      state: new Uint8Array(row.state.buffer, row.state.byteOffset, row.state.byteLength),
      extra: row.extra,
    };
  }

  async save(snapshot: StoredSnapshot): Promise<void> {
    this.upsert.run({
      stream: snapshot.stream,
      revision: snapshot.revision,
      version: snapshot.version,
      position: snapshot.position === null ? null : snapshot.position,
      last_hash: snapshot.lastHash,
      state: Buffer.from(snapshot.state.buffer, snapshot.state.byteOffset, snapshot.state.byteLength),
      extra: snapshot.extra,
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
