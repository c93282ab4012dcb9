import { EventStoreUnavailableError } from '../event-store.errors';
import type { WalSyncer } from './wal-syncer';

/** Someone waiting for the log to be durable up to the moment it started waiting: a commit, or a reader. */
interface Waiter {
  durable: () => void;
  failed: (error: EventStoreUnavailableError) => void;
}

/**
 * Group syncs of the SQLite WAL, and the durable position readers stop at (synchronous=FULL, see WalSyncer).
 *
 * - A commit (or a reader that saw more than is durable) waits for a sync that STARTS after it: it joins the queue
 *   of the next sync. At most one sync is in flight; the commits made meanwhile all wait for the next one, which
 *   covers them all (the WAL is one file written in order). So under load there is one sync per sync duration, not
 *   one per commit, and none of it blocks the event loop.
 * - Before a sync starts, the gate takes the store's head as known (its own commits' last position, or a higher one
 *   a reader read: see SqliteKnownHead). When the sync completes, everything up to that head is durable: `durable`
 *   moves there and `onDurable` tells the subscriptions.
 * - A failed sync fails every waiter (theirs and the queued ones: a later sync cannot be trusted to cover frames the
 *   kernel failed to write, it may have dropped them and report success) and the gate stays failed: the store
 *   refuses appends until it is reopened. What was not acknowledged may or may not be in the file after a restart;
 *   the caller was told "unavailable", as for a timeout, and its retry (same event ids) is answered idempotently.
 */
export class WalSyncGate {
  /** Every position up to this one is on stable storage (0: nothing known to be, until the first sync). */
  private durablePosition = 0;
  private queued: Waiter[] = [];
  private inFlight: Promise<void> | undefined;
  /** The head the sync in flight covers, and who waits for it. */
  private inFlightHead = 0;
  private inFlightWaiters: Waiter[] = [];
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
      // A position already written when the sync in flight started is covered by it (a commit is not: it waits for
      // a sync that starts after it, as its own frames may have been written after that sync began).
      if (this.inFlight && position <= this.inFlightHead) this.inFlightWaiters.push(waiter);
      else {
        this.queued.push(waiter);
        this.startSync();
      }
    });
  }

  /** Starts a sync if `position` is not durable yet and none is in flight (a subscription saw more than is durable). */
  request(position: number): void {
    if (position > this.durablePosition) void this.cover(position);
  }

  /** Waits until no sync is in flight or queued (what was committed before is then durable, or failed), then closes. */
  async close(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    await this.syncer.close();
  }

  private startSync(): void {
    if (this.inFlight || this.failure || this.queued.length === 0) return;
    this.inFlightWaiters = this.queued;
    this.queued = [];
    this.syncs++;
    this.inFlight = this.run().finally(() => {
      this.inFlight = undefined;
      this.startSync(); // the waiters queued during this sync share the next one
    });
  }

  private async run(): Promise<void> {
    try {
      // Read before the sync starts: everything up to it is in the log already.
      this.inFlightHead = this.readHead();
      await this.syncer.sync();
      if (this.inFlightHead > this.durablePosition) this.durablePosition = this.inFlightHead;
      for (const waiter of this.inFlightWaiters) waiter.durable();
    } catch (error) {
      this.failure = new EventStoreUnavailableError(
        `the event log could not be made durable (${(error as Error).message}); appends are refused until the store is reopened`,
        error,
      );
      const failing = [...this.inFlightWaiters, ...this.queued];
      this.queued = [];
      for (const waiter of failing) waiter.failed(this.failure);
    }
    this.inFlightWaiters = [];
    this.onDurable();
  }
}
