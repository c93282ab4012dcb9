import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWalDatabase, WalCheckpointer } from '../src';

/**
 * WAL checkpoints on a worker thread (wal-checkpointer.ts): the main connection checkpoints nothing itself, the
 * worker does once enough commits were made, and the WAL stays bounded when the worker is held or gone.
 */
describe('WalCheckpointer', () => {
  let dir: string;
  let file: string;
  let db: Database.Database;
  let checkpointer: WalCheckpointer;

  const open = (options: { everyCommits: number; fallbackAfterCommits: number; fallbackAfterBytes?: number }) => {
    db = openWalDatabase(file);
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
    checkpointer = new WalCheckpointer(db, { file, ...options });
  };
  const insert = db_insert();
  /** One commit of a few pages (an 8 KB row over 4 KB pages), told to the checkpointer as the stores do. */
  const commit = (count = 1) => {
    for (let i = 0; i < count; i++) {
      insert(db);
      checkpointer.committed();
    }
  };
  /** Frames in the WAL right now, from a second connection's own PASSIVE answer. */
  const walFrames = (): number => {
    const other = openWalDatabase(file);
    try {
      return (other.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0].log;
    } finally {
      other.close();
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wal-checkpointer-'));
    file = join(dir, 'test.db');
  });
  afterEach(async () => {
    await checkpointer.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('turns automatic checkpoints off on the main connection, and the worker checkpoints every N commits', async () => {
    open({ everyCommits: 20, fallbackAfterCommits: 10_000 });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    commit(19);
    expect(checkpointer.completed.count).toBe(0);
    commit(1);
    await checkpointer.settled();
    const { count, last } = checkpointer.completed;
    expect(count).toBe(1);
    // Every frame of the twenty commits went into the database file, by the worker's connection.
    expect(last!.busy).toBe(0);
    expect(last!.log).toBeGreaterThanOrEqual(20);
    expect(last!.checkpointed).toBe(last!.log);
    // So the next commit starts the WAL over: it holds that commit's frames only.
    commit(1);
    expect(walFrames()).toBeLessThan(last!.log);
    expect(checkpointer.checkpointsInCommits).toBe(false);
  });

  it('without the worker, the main connection checkpoints nothing: the WAL grows with every commit', async () => {
    open({ everyCommits: 1_000_000, fallbackAfterCommits: 1_000_000 });
    commit(400); // some 1,600 pages: past SQLite's own threshold of 1,000, which would have reset the WAL
    expect(walFrames()).toBeGreaterThan(1000);
    expect(checkpointer.completed.count).toBe(0);
  });

  it('keeps the WAL bounded while the worker is held: checkpoints go back into commits, and out again', async () => {
    open({ everyCommits: 10, fallbackAfterCommits: 100 });
    const release = checkpointer.holdWorker();
    commit(99);
    expect(checkpointer.checkpointsInCommits).toBe(false);
    commit(1);
    expect(checkpointer.checkpointsInCommits).toBe(true);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    commit(2000); // some 6,000 pages: SQLite's checkpoints in commit keep resetting the WAL
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    expect(statSync(`${file}-wal`).size).toBeLessThan(1500 * (pageSize + 24));
    expect(checkpointer.completed.count).toBe(0);
    release();
    await checkpointer.settled();
    expect(checkpointer.completed.count).toBe(1);
    expect(checkpointer.checkpointsInCommits).toBe(false);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
  });

  it('goes back to checkpoints in commits once the WAL grew past a bound while the worker is held', async () => {
    open({ everyCommits: 10, fallbackAfterCommits: 1_000_000, fallbackAfterBytes: 1024 * 1024 });
    const release = checkpointer.holdWorker();
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    let commits = 0;
    while (!checkpointer.checkpointsInCommits) {
      commit(1);
      commits++;
    }
    // About a mebibyte of frames (a few pages a commit), not the million commits.
    expect(commits).toBeGreaterThan((1024 * 1024) / (8 * (pageSize + 24)));
    expect(commits).toBeLessThan((2 * 1024 * 1024) / (pageSize + 24));
    commit(2000);
    expect(statSync(`${file}-wal`).size).toBeLessThan(2 * 1024 * 1024 + 1500 * (pageSize + 24));
    release();
    await checkpointer.settled();
    expect(checkpointer.checkpointsInCommits).toBe(false);
  });

  it('reports a worker that died and checkpoints in commits from then on', async () => {
    open({ everyCommits: 10, fallbackAfterCommits: 1_000_000 });
    expect(checkpointer.health()).toBeUndefined();
    await checkpointer.terminateWorkerForTests();
    expect(checkpointer.failure?.message).toMatch(/exited/);
    expect(checkpointer.health()?.detail).toMatch(/^WAL checkpoints run in commits/);
    expect(checkpointer.checkpointsInCommits).toBe(true);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    commit(2000);
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    expect(statSync(`${file}-wal`).size).toBeLessThan(1500 * (pageSize + 24));
  });
});

function db_insert(): (db: Database.Database) => void {
  const body = Buffer.alloc(8192, 7);
  return (db) => {
    db.prepare('INSERT INTO t (body) VALUES (?)').run(body);
  };
}
