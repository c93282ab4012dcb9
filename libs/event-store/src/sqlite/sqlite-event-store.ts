import type Database from 'better-sqlite3';
import {
  assertValidMaxCount,
  assertValidReadAllOptions,
  assertValidStreamName,
  prepareAppend,
  PreparedEvent,
} from '../append-rules';
import { CatchUpSubscription, ChangeSignal, PageOfAll } from '../catch-up-subscription';
import { EventStoreClosedError, EventStoreUnavailableError } from '../event-store.errors';
import type {
  AllFilter,
  AllSubscription,
  AppendOptions,
  AppendResult,
  EventStore,
  EventStoreHealth,
  ExpectedState,
  NewEvent,
  Position,
  ReadAllAheadOptions,
  ReadAllOptions,
  ReadStreamOptions,
  ReadStreamResult,
  RecordedEvent,
  SubscribeToAllOptions,
} from '../event-store.port';
import { bindingsOf, BoundKey, KeyBinding } from '../idempotency-keys';
import { SqliteAppendMarks } from './sqlite-append-mark';
import { SqliteKnownHead } from './sqlite-known-head';
import { AppendRequest, settle, SqliteAppender } from './sqlite-appender';
import { CommittedTail, DEFAULT_TAIL_LIMITS } from './committed-tail';
import { SqliteIdempotencyKeys } from './sqlite-idempotency-keys';
import { SqliteQueries, toRecordedEvent } from './sqlite-queries';
import { EVENTS_SCHEMA } from './sqlite-schema';
import { openWalDatabase } from './open-wal-database';
import { WalSyncGate } from './wal-sync-gate';
import { SqliteReadAhead } from './sqlite-worker-reader';
import { FileWalSyncer } from './wal-syncer';
import { type SqliteEventStoreOptions, walAutocheckpointPages } from './sqlite-store-options';

export type { SqliteEventStoreOptions, SqliteSynchronous } from './sqlite-store-options';

interface PendingAppend extends AppendRequest {
  sources: NewEvent[]; // the caller's events: their data and metadata objects go to the committed tail
  onCommitted?: (result: AppendResult) => void;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

const SUBSCRIPTION_PAGE = 500;

export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly changes = new ChangeSignal();
  private readonly subscriptions = new Set<AllSubscription>();
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly queries: SqliteQueries;
  private readonly appender: SqliteAppender;
  private readonly keys: SqliteIdempotencyKeys;
  private readonly marks: SqliteAppendMarks;
  private readonly known: SqliteKnownHead;
  private readonly tail: CommittedTail;
  /** At FULL on a file: the syncs that acknowledge commits, and the durable position readers stop at. */
  private readonly gate: WalSyncGate | undefined;
  private readonly ahead: SqliteReadAhead;

  constructor(private readonly options: SqliteEventStoreOptions) {
    const checkpointPages = walAutocheckpointPages(options.walAutocheckpointPages); // checked before the file opens
    this.db = openWalDatabase(options.file);
    const synchronous = options.synchronous ?? 'FULL';
    const syncsItself = synchronous === 'FULL' && options.file !== ':memory:'; // ':memory:' has no WAL to sync
    this.db.pragma(`synchronous = ${syncsItself ? 'NORMAL' : synchronous}`);
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    this.db.pragma(`wal_autocheckpoint = ${checkpointPages}`);
    this.db.exec(EVENTS_SCHEMA);
    this.queries = new SqliteQueries(this.db);
    this.keys = new SqliteIdempotencyKeys(this.db);
    this.marks = new SqliteAppendMarks(this.db, () => this.gate?.failed !== undefined);
    this.known = new SqliteKnownHead(this.db, this.marks);
    this.appender = new SqliteAppender(this.db, this.keys, (stream) => this.marks.appended(stream));
    this.tail = new CommittedTail({ ...DEFAULT_TAIL_LIMITS, ...options.committedTail });
    this.ahead = new SqliteReadAhead(options.file, this);
    if (syncsItself) {
      this.gate = new WalSyncGate(
        options.walSyncer ?? new FileWalSyncer(`${options.file}-wal`),
        () => this.known.peek(),
        () => this.changes.notify(),
      );
    }
  }

  append(
    stream: string,
    events: NewEvent[],
    expectedState: ExpectedState,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new EventStoreClosedError());
    if (this.gate?.failed) return Promise.reject(this.gate.failed);
    let prepared: PreparedEvent[];
    let bindings: KeyBinding[];
    try {
      prepared = prepareAppend(stream, events, expectedState);
      bindings = bindingsOf(stream, events);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<AppendResult>((resolve, reject) => {
      const request = { stream, events: prepared, sources: events, expected: expectedState, bindings };
      this.pending.push({ ...request, onCommitted: options.onCommitted, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** How many write transactions this store has committed: appends arriving in the same tick share one. */
  get commits(): number {
    return this.appender.transactions;
  }

  /** How many WAL syncs this store has started (FULL on a file; 0 otherwise): commits made during one share the next. */
  get walSyncs(): number {
    return this.gate?.started ?? 0;
  }

  /**
   * A stream as written, including commits still waiting for their WAL sync (unlike readAll, headPosition and the
   * subscriptions, which stop at the durable position): a runner reads its stream here and appends with the revision
   * it read (hiding an unsynced commit would make every command on a busy stream conflict with its predecessor). Safe:
   * an append decided on an unsynced event is acknowledged only after a sync that started after its own commit, which
   * covers the earlier frames too (one log, written in order); if a sync fails, every append waiting on it or after it
   * fails with it. Another process's reader sees the log as written: its acknowledgement waits for its own sync, which
   * covers ours. After a failed sync it shows the durable part only (see `streamRows`).
   */
  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<ReadStreamResult> {
    this.assertOpen();
    assertValidStreamName(stream);
    assertValidMaxCount(options.maxCount);
    const rows = this.queries.streamRows(stream, options, this.gate?.failed ? this.gate.durable : undefined);
    if (rows === null) return { status: 'stream-not-found', stream };
    return { status: 'found', stream, events: rows.map(toRecordedEvent) };
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertValidReadAllOptions(options);
    return this.queries.readAllOptions(options, await this.durableHead()).map(toRecordedEvent);
  }

  /** The port's read-ahead: on a worker thread, up to the durable head (see sqlite-worker-reader.ts). */
  readAllAhead(options: ReadAllAheadOptions): AsyncGenerator<RecordedEvent[]> {
    return this.ahead.read(options, () => this.durableHead());
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    this.assertOpen();
    const onStop = () => this.subscriptions.delete(subscription) && this.tail.forget(subscription);
    const subscription: CatchUpSubscription = new CatchUpSubscription(
      async (after, limit) => this.pageOfAll(after, limit, options.filter, subscription),
      this.changes,
      options.afterPosition,
      { pageSize: SUBSCRIPTION_PAGE, pollIntervalMs: this.options.pollIntervalMs ?? 200, onStop },
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async idempotencyKey(key: string): Promise<BoundKey | null> {
    this.assertOpen();
    return this.keys.lookup(key);
  }

  async headPosition(): Promise<Position | null> {
    this.assertOpen();
    const head = this.gate ? await this.durableHead() : this.known.read();
    return head === undefined || head === 0 ? null : BigInt(head);
  }

  /** The port's stream marks (see sqlite-append-mark.ts, which says why they are sound). */
  streamMark(stream: string): number {
    this.assertOpen();
    return this.marks.stream(stream);
  }

  async health(): Promise<EventStoreHealth> {
    const failed = this.gate?.failed;
    if (failed) return { status: 'down', adapter: 'sqlite', headPosition: null, detail: failed.message };
    try {
      const head = (await this.headPosition())?.toString() ?? null;
      return { status: 'up', adapter: 'sqlite', headPosition: head };
    } catch (error) {
      return { status: 'down', adapter: 'sqlite', headPosition: null, detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Appends already accepted are committed before the file closes: nothing acknowledged-to-be is dropped.
    if (this.pending.length > 0) this.flush();
    this.closed = true;
    this.tail.clear();
    await Promise.all([...[...this.subscriptions].map((s) => s.stop()), this.ahead.close()]);
    this.subscriptions.clear();
    try {
      // The commits just flushed (and any before) are answered once their sync completes, before the file closes.
      await this.gate?.close();
    } finally {
      this.changes.notify();
      this.db.close();
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let outcomes: Array<AppendResult | Error>;
    try {
      // After a failed sync nothing more is written, not even what was queued before it failed.
      if (this.gate?.failed) throw this.gate.failed;
      outcomes = this.appender.commit(batch);
    } catch (error) {
      const failure = new EventStoreUnavailableError(`append failed: ${(error as Error).message}`, error);
      for (const request of batch) request.reject(failure);
      return;
    }
    for (const outcome of outcomes)
      if (!(outcome instanceof Error) && outcome.written) this.known.committed(Number(outcome.position));
    this.tail.record(batch, outcomes, this.appender.recordedAt);
    if (!this.gate) {
      settle(batch, outcomes);
      this.changes.notify();
      return;
    }
    // Committed: whoever asked may go on from here (a runner decides its stream's next commands), but nothing is
    // answered before the sync below; a refusal is not told early, it was decided on state not yet durable.
    outcomes.forEach((outcome, index) => {
      if (!(outcome instanceof Error)) batch[index].onCommitted?.(outcome);
    });
    // Answered once durable (the gate tells the subscriptions); a failed sync fails even refusals: they were decided
    // on state that may not have reached the disk. It fails every commit made after it too (the gate stays failed
    // and flush refuses to write), which the early word above relies on: see `AppendOptions.onCommitted`.
    this.gate.afterCommit().then(
      () => settle(batch, outcomes),
      (error: unknown) => {
        for (const request of batch) request.reject(error);
      },
    );
  }

  /**
   * The highest position readers may see, after waiting for it to be durable (a commit of ours waiting for its sync,
   * or another process's, is covered by the next sync); only the durable part after a failed sync. Undefined
   * without a gate (NORMAL, EXTRA, ':memory:'): everything committed is as durable as it will be.
   */
  private async durableHead(): Promise<number | undefined> {
    if (!this.gate) return undefined;
    const head = this.known.read();
    await this.gate.cover(head);
    this.assertOpen();
    return Math.min(head, this.gate.durable);
  }

  private async pageOfAll(
    after: Position | undefined,
    limit: number,
    filter: AllFilter | undefined,
    reader: object,
  ): Promise<PageOfAll> {
    if (this.closed) return { events: [], scannedTo: after };
    this.tail.readFrom(reader, after);
    let head = this.known.current();
    if (this.gate) {
      // Only what is durable; if more is written (a commit waiting for its sync, another process's), a sync is on
      // its way or started now, and its completion wakes the subscription.
      this.gate.request(head);
      head = Math.min(head, this.gate.durable);
    }
    if (head === 0) return { events: [], scannedTo: after };
    // After a failed sync what the tail holds may be lost: pages read SQLite, up to the durable position.
    if (this.gate?.failed) this.tail.clear();
    return this.tail.page(after, head, limit, filter) ?? this.queries.pageOfAll(after, head, limit, filter);
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosedError();
  }
}
