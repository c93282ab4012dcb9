import Database from 'better-sqlite3';
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';

/** A connection in WAL mode, its directory made if need be; ':memory:' for a throw-away database. */
export function openWalDatabase(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  return db;
}

/**
 * SQLite WAL checkpoints on a worker thread, off the event loop (issue 15, goal 4).
 *
 * By default SQLite checkpoints inside the COMMIT that leaves the WAL 1000 pages long: on the committing
 * connection, so on our event loop, copying pages into the database file and fsyncing it — up to 15 ms during which
 * no request is served. Here the main connection runs with `wal_autocheckpoint=0` and tells this checkpointer of
 * its commits; every `everyCommits` commits a worker thread, on a connection of its own, runs
 * `PRAGMA wal_checkpoint(PASSIVE)`. Facts relied on (sqlite.org/wal.html, c3ref/wal_checkpoint_v2.html,
 * pragma.html#pragma_wal_checkpoint):
 * - PASSIVE "checkpoints as many frames as possible without waiting for any database readers or writers to finish"
 *   and never calls the busy handler: the main connection keeps committing while it runs (a checkpoint and a writer
 *   run concurrently in WAL mode; only two checkpoints exclude each other, and then one answers busy).
 * - The WAL is reset (the next writer starts over at its beginning) only after a checkpoint copied every frame and
 *   no reader still uses the log; otherwise it keeps growing. A writer never waits for that: without checkpoints the
 *   WAL grows without bound. So if the worker falls behind (held, or slow) by `fallbackAfterCommits` commits or
 *   `fallbackAfterBytes` of WAL growth (the `-wal` file's size, which grows only when the log holds more frames
 *   than it ever did: a reset overwrites it from the start), or
 *   stops, the main connection takes SQLite's own automatic checkpoints back (`wal_autocheckpoint=1000`, the
 *   default: in-commit, as before) until the worker answers again — the WAL stays bounded either way.
 * - Durability: a checkpoint at synchronous=NORMAL or FULL syncs the WAL before it copies frames into the database
 *   and syncs the database file before it records how far it got (nBackfill); a writer resets the WAL only past that
 *   point. So frames overwritten by a reset are already durable in the database file, and an acknowledged event can
 *   never be lost to a checkpoint. The worker's connection therefore runs at NORMAL whatever the main one does
 *   (at OFF a checkpoint would sync nothing). The events store's WalSyncGate is not confused either: a reset keeps
 *   the `-wal` file (same inode; only TRUNCATE, which we never run, shrinks it), its fdatasync still covers every
 *   frame written before the sync began, and what a reset overwrote is in the synced database file.
 *
 * The worker is plain JavaScript evaluated from a string, so the same code runs from the built `dist` and under
 * ts-jest; it loads better-sqlite3 from the path the main thread resolved. It starts at the first checkpoint due,
 * so a store that commits little costs no thread. `close()` stops it and waits. A worker that dies is reported
 * (`failure`, shown by the store's health) and the store checkpoints in its commits from then on.
 */
export interface WalCheckpointerOptions {
  /** The database file (the worker opens its own connection to it). */
  file: string;
  /** A checkpoint is asked for after this many commits (default 100). */
  everyCommits?: number;
  /** After this many commits without an answer from the worker, checkpoints go back into commits (default 2,000). */
  fallbackAfterCommits?: number;
  /** The same once the `-wal` file has grown by this many bytes since the worker last answered (default 64 MiB). */
  fallbackAfterBytes?: number;
}

/** What the last `PRAGMA wal_checkpoint(PASSIVE)` answered: frames in the WAL, and how many are in the database. */
export interface CheckpointAnswer {
  busy: number;
  log: number;
  checkpointed: number;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
parentPort.on('message', (message) => {
  if (message.type === 'close') {
    db.close();
    parentPort.close();
  } else if (message.type === 'hold') {
    Atomics.wait(message.signal, 0, 0);
  } else {
    let answer;
    try {
      answer = db.pragma('wal_checkpoint(PASSIVE)')[0];
    } catch (error) {
      // Another connection's checkpoint is running (another process): this one is simply not needed now.
      if (error.code !== 'SQLITE_BUSY') throw error;
      answer = { busy: 1, log: -1, checkpointed: -1 };
    }
    parentPort.postMessage(answer);
  }
});
`;

// A commit of a batch of commands writes some twenty pages: fifty make about SQLite's own threshold of 1,000.
const DEFAULT_EVERY = 50;
const DEFAULT_FALLBACK = 2_000;
const DEFAULT_FALLBACK_BYTES = 64 * 1024 * 1024;
const SQLITE_AUTOCHECKPOINT_DEFAULT = 1000;

export class WalCheckpointer {
  private worker: Worker | undefined;
  private exited: Promise<void> | undefined;
  private sinceRequest = 0;
  private sinceAnswer = 0;
  private inFlight = false;
  private inCommits = false;
  private closing = false;
  private crash: Error | undefined;
  private answers = 0;
  private last: CheckpointAnswer | undefined;
  private settledWaiters: Array<() => void> = [];
  private readonly holds = new Set<() => void>();
  private readonly every: number;
  private readonly fallbackAfter: number;
  private readonly fallbackAfterBytes: number;
  private readonly walFile: string;
  /** The `-wal` file's size when the worker last answered (or at start). */
  private walSizeAtAnswer: number;

  constructor(
    /** The main connection: its automatic checkpoints are turned off here, and back on as the fallback. */
    private readonly db: Database.Database,
    private readonly options: WalCheckpointerOptions,
  ) {
    this.every = options.everyCommits ?? DEFAULT_EVERY;
    this.fallbackAfter = options.fallbackAfterCommits ?? DEFAULT_FALLBACK;
    this.fallbackAfterBytes = options.fallbackAfterBytes ?? DEFAULT_FALLBACK_BYTES;
    this.walFile = `${options.file}-wal`;
    this.walSizeAtAnswer = this.walSize();
    db.pragma('wal_autocheckpoint = 0');
  }

  /** Why the worker stopped, if it did: checkpoints then run in commits, on the main connection. */
  get failure(): Error | undefined {
    return this.crash;
  }

  /** For the store's health, which stays up: without the worker, checkpoints run in commits (slower, as durable). */
  health(): { detail: string } | undefined {
    return this.crash && { detail: `WAL checkpoints run in commits: ${this.crash.message}` };
  }

  /** Whether checkpoints currently run inside commits on the main connection (worker behind, or dead). */
  get checkpointsInCommits(): boolean {
    return this.inCommits;
  }

  /** How many checkpoints the worker completed, and what the last one answered. */
  get completed(): { count: number; last: CheckpointAnswer | undefined } {
    return { count: this.answers, last: this.last };
  }

  /** Called after each commit of the main connection. */
  committed(): void {
    if (this.closing || this.crash) return;
    this.sinceRequest++;
    this.sinceAnswer++;
    if (
      !this.inCommits &&
      (this.sinceAnswer >= this.fallbackAfter || this.walSize() - this.walSizeAtAnswer >= this.fallbackAfterBytes)
    )
      this.checkpointInCommits(true);
    if (this.sinceRequest >= this.every && !this.inFlight) this.request();
  }

  /**
   * Tests: blocks the worker (as a long checkpoint or a starved thread would) until the returned function is called.
   */
  holdWorker(): () => void {
    const signal = new Int32Array(new SharedArrayBuffer(4));
    this.start().postMessage({ type: 'hold', signal });
    const release = () => {
      this.holds.delete(release);
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
    };
    this.holds.add(release);
    return release;
  }

  /** Tests: ends the worker as a crash would (not through `close`). */
  async terminateWorkerForTests(): Promise<void> {
    await this.start().terminate();
  }

  /** Resolves once no checkpoint is in flight (answered, or the worker died). */
  settled(): Promise<void> {
    if (!this.inFlight) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /** Stops the worker (after the checkpoint it runs, if any) and waits for it. */
  async close(): Promise<void> {
    this.closing = true;
    for (const release of [...this.holds]) release();
    if (!this.worker) return;
    if (!this.crash) this.worker.postMessage({ type: 'close' });
    await this.exited;
  }

  private request(): void {
    this.sinceRequest = 0;
    this.inFlight = true;
    this.start().postMessage({ type: 'checkpoint' });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { driver: require.resolve('better-sqlite3'), file: this.options.file },
    });
    // A store left unclosed must not keep the process alive for its checkpointer.
    worker.unref();
    worker.on('message', (answer: CheckpointAnswer) => this.answered(answer));
    worker.on('error', (error) => this.failed(error));
    this.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        if (!this.closing) this.failed(new Error(`the WAL checkpointer exited with code ${code}`));
        resolve();
      }),
    );
    this.worker = worker;
    return worker;
  }

  private answered(answer: CheckpointAnswer): void {
    this.settle();
    this.answers++;
    this.last = answer;
    this.sinceAnswer = this.sinceRequest;
    this.walSizeAtAnswer = this.walSize();
    if (this.inCommits && !this.crash && !this.closing) this.checkpointInCommits(false);
    if (this.sinceRequest >= this.every && !this.closing) this.request();
  }

  private failed(error: Error): void {
    this.crash ??= error;
    this.settle();
    if (!this.inCommits && !this.closing) this.checkpointInCommits(true);
  }

  /** One stat(2): cheap beside a commit. 0 while the file does not exist yet. */
  private walSize(): number {
    return statSync(this.walFile, { throwIfNoEntry: false })?.size ?? 0;
  }

  private settle(): void {
    this.inFlight = false;
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private checkpointInCommits(on: boolean): void {
    this.inCommits = on;
    // The main connection may be closed already when the worker's end is reported late; then nothing is left to do.
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${on ? SQLITE_AUTOCHECKPOINT_DEFAULT : 0}`);
  }
}
