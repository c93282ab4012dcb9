import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Who holds a data directory, as recorded beside its lock. */
export interface DataDirHolder {
  pid: number;
  host: string;
  since: string;
  /** What the holder is: `api`, `projector`, `cli projections rebuild`, … */
  role: string;
}

/** Another process holds the data directory: the message is the one line a refused process prints. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: DataDirHolder | null,
  ) {
    super(
      holder
        ? `data directory ${dataDir} is in use by ${holder.role} pid ${holder.pid} on ${holder.host} since ${holder.since}; stop it first (or use its admin route for an online rebuild)`
        : `data directory ${dataDir} is in use by another process (it has not recorded itself yet); stop it first`,
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly holder: DataDirHolder;
  release(): void;
}

const LOCK_FILE = 'lock.db';
const HOLDER_FILE = 'lock.holder.json';
const HELD = new Set<Database.Database>();

/**
 * Takes the data directory for this process alone, or throws DataDirLockedError naming the holder.
 *
 * The lock is an exclusive SQLite lock on `lock.db` (SQLite's `locking_mode=EXCLUSIVE`): a POSIX advisory lock
 * that the kernel holds for the process and drops when it dies, however it dies (SIGKILL, power cut of the
 * process), so there is no stale lock to detect or clean up, and no race between two processes judging one stale.
 * SQLite also keeps two connections of one process apart, so a second store opened in the same process is refused
 * too. The holder's pid, host and start time sit beside it in `lock.holder.json`, only to name it in the refusal.
 * (POSIX locks are not reliable on some network file systems: keep the data directory on a local disk.)
 */
export function acquireDataDirLock(dataDir: string, role: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, LOCK_FILE), { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // The first write transaction takes the exclusive lock; with locking_mode=EXCLUSIVE it is kept after COMMIT.
    // The first write takes the exclusive lock; with locking_mode=EXCLUSIVE it is kept after COMMIT (a transaction
    // that writes nothing would give it back).
    db.exec('CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY, pid INTEGER)');
    db.prepare('INSERT OR REPLACE INTO holder (id, pid) VALUES (1, ?)').run(process.pid);
  } catch (error) {
    db.close();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY')
      throw new DataDirLockedError(dataDir, readHolder(dataDir));
    throw error;
  }
  const holder: DataDirHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), role };
  const holderFile = join(dataDir, HOLDER_FILE);
  // Written whole, then renamed, so that a refused process never reads half a record.
  writeFileSync(`${holderFile}.${process.pid}.tmp`, JSON.stringify(holder));
  renameSync(`${holderFile}.${process.pid}.tmp`, holderFile);
  // better-sqlite3 closes a connection its owner no longer references: keep it referenced until released.
  HELD.add(db);
  let released = false;
  return {
    holder,
    release() {
      if (released) return;
      released = true;
      if (readHolder(dataDir)?.pid === holder.pid) rmSync(holderFile, { force: true });
      HELD.delete(db);
      db.close();
    },
  };
}

function readHolder(dataDir: string): DataDirHolder | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(dataDir, HOLDER_FILE), 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'pid' in parsed && 'host' in parsed && 'since' in parsed) {
      const { pid, host, since, role } = parsed as Record<string, unknown>;
      return {
        pid: Number(pid),
        host: String(host),
        since: String(since),
        role: typeof role === 'string' ? role : 'a process',
      };
    }
  } catch {
    // Missing or unreadable: the refusal says the holder has not recorded itself.
  }
  return null;
}
