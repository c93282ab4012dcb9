import { EventStoreUnavailableError } from '../event-store.errors';
import type { WalSyncer } from './wal-syncer';

/** Someone waiting for the log to be durable up to the moment it started waiting: a commit, or a reader. */
interface Waiter {
  durable: () => void;
  failed: (error: EventStoreUnavailableError) => void;
}

/** One sync of the log: the head it covers (read when it started), and who waits for it. */
interface Sync {
  head: number;
  waiters: Waiter[];
}

/**
 * How many syncs may be in flight at once. Why two (issue 15, goal 4): with one, a commit made just after a sync
 * began waited for that sync to complete before its own could start, about one and a half sync durations. On this
 * project's disks a sync takes 1.3–2 ms (p90 3–4 ms) under single-record load, and the log was being synced ~70 % of
 * the time, so at 50 connections every request could be waiting for a sync while the event loop had nothing to do
 * (11 % of the main thread idle). A second sync starts at once for them and completes about one sync duration later.
 */
export const SYNCS_IN_FLIGHT = 2;

/**
 * Group syncs of the SQLite WAL, and the durable position readers stop at (synchronous=FULL, see WalSyncer).
 *
 * - A commit (or a reader that saw more than is durable) waits for a sync that STARTS after it: it joins the queue
 *   of the next sync. Up to SYNCS_IN_FLIGHT syncs run at once; once that many are in flight, the commits made
 *   meanwhile all wait for the next one, which covers them all (the WAL is one file written in order). So under
 *   load there are at most that many syncs per sync duration, not one per commit, and none of it blocks the event
 *   loop.
 * - Before a sync starts, the gate takes the store's head as known (its own commits' last position, or a higher one
 *   a reader read: see SqliteKnownHead). When the sync completes, everything up to that head is durable: `durable`
 *   moves there and `onDurable` tells the subscriptions. A sync that completes covers every sync that started before
 *   it (it flushed every write made before it began, theirs included): their waiters are answered with its own.
 * - A failed sync fails every waiter (those of every sync in flight and the queued ones: a later sync cannot be
 *   trusted to cover frames the kernel failed to write, it may have dropped them and report success) and the gate
 *   stays failed: the store refuses appends until it is reopened. What was not acknowledged may or may not be in the
 *   file after a restart; the caller was told "unavailable", as for a timeout, and its retry (same event ids) is
 *   answered idempotently.
 */
export class WalSyncGate {
  /** Every position up to this one is on stable storage (0: nothing known to be, until the first sync). */
  private durablePosition = 0;
  private queued: Waiter[] = [];
  /**
   * The syncs whose waiters are not answered yet, in the order they started. A sync no longer here was answered (by
   * itself, or by a later sync that completed first) or failed.
   */
  private pending: Sync[] = [];
  /** The syncs running (a sync answered by a later one may still be running: it counts until it ends). */
  private readonly running = new Set<Promise<void>>();
  private failure: EventStoreUnavailableError | undefined;
  private syncs = 0;

  constructor(
    private readonly syncer: WalSyncer,
    /** The highest position known to be in the log, at least every position given to `cover` (0 when empty). */
    private readonly readHead: () => number,
    private readonly onDurable: () => void,
  ) {}

  get durable(): number {
    return this.durablePosition;
  }

  /** How many syncs were started (tests show that commits made during a sync share the next one). */
  get started(): number {
    return this.syncs;
  }

  /** Why the gate refuses further work, once a sync has failed. */
  get failed(): EventStoreUnavailableError | undefined {
    return this.failure;
  }

  /** Resolves once everything written before this call is durable; rejects if a sync fails first. */
  afterCommit(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queued.push({ durable: resolve, failed: reject });
      this.startSync();
    });
  }

  /**
   * Resolves once `position` is durable. Readers use it: a position beyond `durable` was written by a commit that
   * is still waiting for its sync or by another process, and the next sync covers both. After a failure it
   * resolves at once: the reader then sees the durable part only.
   */
  cover(position: number): Promise<void> {
    if (position <= this.durablePosition || this.failure) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { durable: resolve, failed: () => resolve() };
      // A position already written when a sync in flight started is covered by it (a commit is not: it waits for a
      // sync that starts after it, as its own frames may have been written after that sync began).
      const covering = this.pending.find((sync) => position <= sync.head);
      if (covering) covering.waiters.push(waiter);
      else {
        this.queued.push(waiter);
        this.startSync();
      }
    });
  }

  /** Asks for a sync covering `position` if it is not durable yet (a subscription saw more than is durable). */
  request(position: number): void {
    if (position > this.durablePosition) void this.cover(position);
  }

  /** Waits until no sync is in flight or queued (what was committed before is then durable, or failed), then closes. */
  async close(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
    await this.syncer.close();
  }

  private startSync(): void {
    if (this.running.size >= SYNCS_IN_FLIGHT || this.failure || this.queued.length === 0) return;
    // The head read before the sync starts: everything up to it is in the log already.
    const sync: Sync = { head: this.readHead(), waiters: this.queued };
    this.queued = [];
    this.syncs++;
    this.pending.push(sync);
    const running = this.run(sync).finally(() => {
      this.running.delete(running);
      this.startSync(); // the waiters queued meanwhile share the next one
    });
    this.running.add(running);
  }

  private async run(sync: Sync): Promise<void> {
    try {
      await this.syncer.sync();
      const index = this.pending.indexOf(sync);
      if (index < 0) return; // a later sync completed first and answered its waiters
      if (sync.head > this.durablePosition) this.durablePosition = sync.head;
      // This sync and every one that started before it: all they cover was written before this one began.
      for (const done of this.pending.splice(0, index + 1)) for (const waiter of done.waiters) waiter.durable();
    } catch (error) {
      if (this.failure) return; // another sync failed first: every waiter was failed then
      this.failure = new EventStoreUnavailableError(
        `the event log could not be made durable (${(error as Error).message}); appends are refused until the store is reopened`,
        error,
      );
      const failing = [...this.pending.flatMap((pendingSync) => pendingSync.waiters), ...this.queued];
      this.pending = [];
      this.queued = [];
      for (const waiter of failing) waiter.failed(this.failure);
    }
    this.onDurable();
  }
}
