import { close, fdatasync, fsync, open } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Makes the SQLite write-ahead log durable, off the event loop. The store opens its connection with
 * `synchronous=NORMAL` and calls `sync()` after its commits instead of letting SQLite fsync inside each commit
 * (what `synchronous=FULL` does: "writers sync the WAL on every transaction commit if PRAGMA synchronous is set to
 * FULL but omit this sync if PRAGMA synchronous is set to NORMAL", sqlite.org/wal.html). Injectable, so that tests
 * can hold a sync, count syncs and fail one.
 */
export interface WalSyncer {
  /** Resolves once every write made to the WAL file before this call is on stable storage; rejects if not. */
  sync(): Promise<void>;
  /** Releases what the syncer holds (its file descriptors). Called once, after the last sync settled. */
  close(): Promise<void>;
}

/**
 * The default syncer: `fdatasync(2)` of the `-wal` file on libuv's thread pool. Facts it relies on (SQLite docs,
 * sqlite.org/wal.html, pragma.html#pragma_synchronous, and the unix VFS):
 * - The WAL is one file, written in commit order; a sync of the file covers every frame written before it began,
 *   whichever connection (or process) wrote them, so one sync acknowledges every commit made before it started.
 * - The `-wal` file lives as long as any connection has the database open: SQLite deletes it only when the last
 *   connection closes (after a checkpoint). After a checkpoint the log is *reset*: the next writer overwrites it
 *   from the start, in the same file (same inode; it is truncated only with `journal_size_limit`, which we leave
 *   unset, or `wal_checkpoint(TRUNCATE)`, which we never run). So a descriptor opened while the store's connection
 *   is open keeps naming the log SQLite writes.
 * - With synchronous=NORMAL in WAL mode SQLite still syncs the WAL before each checkpoint, the database file after
 *   each completed checkpoint and the WAL header when the log is reused: frames a checkpoint moves into the
 *   database are durable there before the log is overwritten. The only thing NORMAL gives up is the sync at each
 *   commit, which is exactly what this syncer puts back.
 * - `fdatasync` flushes the file's data and the metadata needed to read it back, which includes its size: enough
 *   for a log that grows (mtime is not needed). On Linux it acts on the file, not on the descriptor, so a read-only
 *   descriptor of our own flushes what SQLite's descriptor wrote.
 * - SQLite fsyncs the directory the first time it syncs a newly created WAL (so the file's name survives a power
 *   loss); with NORMAL that first sync may be far away, so this syncer fsyncs the directory once, when it opens the
 *   log.
 * - A failed fsync is not retryable on Linux: the kernel may drop the dirty pages it could not write and report
 *   success to the next fsync. The store treats a failure as final (see WalSyncGate).
 */
export class FileWalSyncer implements WalSyncer {
  private fd: number | undefined;
  private opening: Promise<number> | undefined;

  constructor(private readonly walFile: string) {}

  async sync(): Promise<void> {
    const fd = this.fd ?? (await (this.opening ??= this.open()));
    await new Promise<void>((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));
  }

  async close(): Promise<void> {
    const fd = this.fd ?? (this.opening ? await this.opening.catch(() => undefined) : undefined);
    this.fd = undefined;
    if (fd !== undefined) await new Promise<void>((resolve, reject) => close(fd, (e) => (e ? reject(e) : resolve())));
  }

  private async open(): Promise<number> {
    const directory = await openFile(dirname(this.walFile));
    try {
      await new Promise<void>((resolve, reject) => fsync(directory, (error) => (error ? reject(error) : resolve())));
    } finally {
      close(directory, () => undefined); // a failed close of a read-only directory descriptor loses nothing
    }
    this.fd = await openFile(this.walFile);
    return this.fd;
  }
}

function openFile(path: string): Promise<number> {
  return new Promise((resolve, reject) => open(path, 'r', (error, fd) => (error ? reject(error) : resolve(fd))));
}
