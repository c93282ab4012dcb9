import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  assertValidMaxCount,
  assertValidReadAllOptions,
  assertValidStreamName,
  expectedStateDescribesRevision,
  expectedStateHolds,
  prepareAppend,
  PreparedEvent,
} from '../append-rules';
import { CatchUpSubscription, ChangeSignal, PageOfAll } from '../catch-up-subscription';
import {
  DuplicateEventIdError,
  EventStoreClosedError,
  EventStoreError,
  EventStoreUnavailableError,
  WrongExpectedVersionError,
} from '../event-store.errors';
import type {
  AllFilter,
  AllSubscription,
  AppendResult,
  EventMetadata,
  EventStore,
  EventStoreHealth,
  ExpectedState,
  JsonObject,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  ReadStreamResult,
  RecordedEvent,
  SubscribeToAllOptions,
} from '../event-store.port';
import { bindingsOf, BoundKey, KeyBinding } from '../idempotency-keys';
import { SqliteIdempotencyKeys } from './sqlite-idempotency-keys';
import { EVENTS_SCHEMA } from './sqlite-schema';

export type SqliteSynchronous = 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';

export interface SqliteEventStoreOptions {
  /** Database file; ':memory:' for a throw-away store. */
  file: string;
  /**
   * WAL sync level. NORMAL already survives a killed process (the WAL write reaches the OS before the commit
   * returns); FULL, the default, also fsyncs the WAL on every commit, so acknowledged appends survive power loss.
   */
  synchronous?: SqliteSynchronous;
  /** How often subscriptions look for events appended by other processes sharing the file. */
  pollIntervalMs?: number;
  busyTimeoutMs?: number;
}

interface EventRow {
  position: number;
  stream: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

interface PendingAppend {
  stream: string;
  events: PreparedEvent[];
  expected: ExpectedState;
  bindings: KeyBinding[];
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
  private readonly statements;
  private readonly keys: SqliteIdempotencyKeys;
  private readonly readAllStatements = new Map<string, Database.Statement>();
  private readonly commitBatch: (batch: PendingAppend[]) => Array<AppendResult | unknown>;

  constructor(private readonly options: SqliteEventStoreOptions) {
    if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    this.db.exec(EVENTS_SCHEMA);
    this.keys = new SqliteIdempotencyKeys(this.db);
    this.statements = {
      head: this.db.prepare<[string], { revision: number }>(
        'SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1',
      ),
      revisionOfId: this.db.prepare<[string, string], { revision: number }>(
        'SELECT revision FROM events WHERE stream = ? AND event_id = ?',
      ),
      idsFrom: this.db.prepare<[string, number, number], { event_id: string; position: number }>(
        'SELECT event_id, position FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?',
      ),
      insert: this.db.prepare(
        'INSERT INTO events (stream, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      streamForwards: this.db.prepare<[string, number, number], EventRow>(
        'SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC LIMIT ?',
      ),
      streamBackwards: this.db.prepare<[string, number, number], EventRow>(
        'SELECT * FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?',
      ),
      streamExists: this.db.prepare<[string], { one: number }>('SELECT 1 AS one FROM events WHERE stream = ? LIMIT 1'),
      headPosition: this.db.prepare<[], { position: number | null }>('SELECT MAX(position) AS position FROM events'),
    };
    const appendOne = this.db.transaction((request: PendingAppend, recordedAt: string) =>
      this.appendInTransaction(request, recordedAt),
    );
    // Each append runs in its own savepoint inside one IMMEDIATE transaction: a refused append rolls back alone,
    // and the whole group pays for one fsync.
    const group = this.db.transaction((batch: PendingAppend[]) => {
      const recordedAt = new Date().toISOString();
      return batch.map((request) => {
        try {
          return appendOne(request, recordedAt);
        } catch (error) {
          return error instanceof EventStoreError ? error : translateSqliteError(request.stream, error);
        }
      });
    });
    // A lone append needs no savepoint: if it fails, the whole transaction rolls back with it.
    const lone = this.db.transaction((request: PendingAppend) =>
      this.appendInTransaction(request, new Date().toISOString()),
    );
    this.commitBatch = (batch) => {
      if (batch.length > 1) return group.immediate(batch);
      try {
        return [lone.immediate(batch[0])];
      } catch (error) {
        if (error instanceof EventStoreError) return [error];
        const code = (error as { code?: string }).code ?? '';
        if (code.startsWith('SQLITE_CONSTRAINT')) return [translateSqliteError(batch[0].stream, error)];
        throw error;
      }
    };
  }

  append(stream: string, events: NewEvent[], expectedState: ExpectedState): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new EventStoreClosedError());
    let prepared: PreparedEvent[];
    let bindings: KeyBinding[];
    try {
      prepared = prepareAppend(stream, events, expectedState);
      bindings = bindingsOf(stream, events);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push({ stream, events: prepared, expected: expectedState, bindings, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<ReadStreamResult> {
    this.assertOpen();
    assertValidStreamName(stream);
    assertValidMaxCount(options.maxCount);
    const limit = options.maxCount ?? -1;
    const rows =
      options.direction === 'backwards'
        ? this.statements.streamBackwards.all(stream, options.fromRevision ?? Number.MAX_SAFE_INTEGER, limit)
        : this.statements.streamForwards.all(stream, options.fromRevision ?? 0, limit);
    if (rows.length === 0 && this.statements.streamExists.get(stream) === undefined) {
      return { status: 'stream-not-found', stream };
    }
    return { status: 'found', stream, events: rows.map(toRecordedEvent) };
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertValidReadAllOptions(options);
    const backwards = options.direction === 'backwards';
    const conditions: string[] = [];
    const params: Array<string | number> = [];
    if (options.fromPosition !== undefined) {
      conditions.push(backwards ? 'position <= ?' : 'position >= ?');
      params.push(Number(options.fromPosition));
    } else if (options.afterPosition !== undefined) {
      conditions.push(backwards ? 'position < ?' : 'position > ?');
      params.push(Number(options.afterPosition));
    }
    this.addFilter(options.filter, conditions, params);
    const rows = this.readAllStatement(conditions, backwards).all(...params, options.maxCount ?? -1) as EventRow[];
    return rows.map(toRecordedEvent);
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    this.assertOpen();
    const subscription = new CatchUpSubscription(
      async (after, limit) => this.pageOfAll(after, limit, options.filter),
      this.changes,
      options.afterPosition,
      { pageSize: SUBSCRIPTION_PAGE, pollIntervalMs: this.options.pollIntervalMs ?? 200 },
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
    const row = this.statements.headPosition.get();
    return row?.position == null ? null : BigInt(row.position);
  }

  async health(): Promise<EventStoreHealth> {
    try {
      const head = await this.headPosition();
      return { status: 'up', adapter: 'sqlite', headPosition: head === null ? null : head.toString() };
    } catch (error) {
      return { status: 'down', adapter: 'sqlite', headPosition: null, detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Appends already accepted are committed before the file closes: nothing acknowledged-to-be is dropped.
    if (this.pending.length > 0) this.flush();
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.subscriptions.clear();
    this.changes.notify();
    this.db.close();
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let outcomes: Array<AppendResult | unknown>;
    try {
      outcomes = this.commitBatch(batch);
    } catch (error) {
      const failure = new EventStoreUnavailableError(`append failed: ${(error as Error).message}`, error);
      for (const request of batch) request.reject(failure);
      return;
    }
    batch.forEach((request, index) => {
      const outcome = outcomes[index];
      if (outcome instanceof Error) request.reject(outcome);
      else request.resolve(outcome as AppendResult);
    });
    this.changes.notify();
  }

  private appendInTransaction(request: PendingAppend, recordedAt: string): AppendResult {
    const { stream, events, expected } = request;
    const head = this.statements.head.get(stream);
    const actual = head === undefined ? 'no_stream' : head.revision;
    const repeat = this.repeatedAppend(request);
    if (repeat) return repeat;
    if (!expectedStateHolds(expected, actual)) throw new WrongExpectedVersionError(stream, expected, actual);
    // In the append's transaction: a conflicting key rolls the append back with it.
    this.keys.bind(stream, request.bindings);
    let revision = actual === 'no_stream' ? -1 : actual;
    let position = 0;
    for (const event of events) {
      revision++;
      const info = this.statements.insert.run(
        stream,
        revision,
        event.id,
        event.type,
        event.data,
        event.metadata,
        recordedAt,
      );
      position = Number(info.lastInsertRowid);
    }
    return { nextExpectedRevision: revision, position: BigInt(position) };
  }

  /** The first result of this very append, if it was already made (same event ids, same expected state). */
  private repeatedAppend({ stream, events, expected }: PendingAppend): AppendResult | undefined {
    const first = this.statements.revisionOfId.get(stream, events[0].id);
    if (first === undefined) return undefined;
    const recorded = this.statements.idsFrom.all(stream, first.revision, events.length);
    const sameEvents = recorded.length === events.length && recorded.every((row, i) => row.event_id === events[i].id);
    if (sameEvents && expectedStateDescribesRevision(expected, first.revision)) {
      return {
        nextExpectedRevision: first.revision + events.length - 1,
        position: BigInt(recorded[recorded.length - 1].position),
      };
    }
    const head = this.statements.head.get(stream);
    const actual = head === undefined ? 'no_stream' : head.revision;
    if (!expectedStateHolds(expected, actual)) throw new WrongExpectedVersionError(stream, expected, actual);
    throw new DuplicateEventIdError(stream, events[0].id);
  }

  private async pageOfAll(after: Position | undefined, limit: number, filter?: AllFilter): Promise<PageOfAll> {
    if (this.closed) return { events: [], scannedTo: after };
    const head = this.statements.headPosition.get()?.position ?? null;
    if (head === null) return { events: [], scannedTo: after };
    const conditions = ['position <= ?'];
    const params: Array<string | number> = [head];
    if (after !== undefined) {
      conditions.push('position > ?');
      params.push(Number(after));
    }
    this.addFilter(filter, conditions, params);
    const rows = this.readAllStatement(conditions, false).all(...params, limit) as EventRow[];
    const events = rows.map(toRecordedEvent);
    const scannedTo = events.length === limit ? events[events.length - 1].position : BigInt(head);
    return { events, scannedTo };
  }

  private addFilter(filter: AllFilter | undefined, conditions: string[], params: Array<string | number>): void {
    if (!filter) return;
    const prefixes = filter.streamPrefix === undefined ? [] : [filter.streamPrefix].flat();
    if (prefixes.length > 0) {
      conditions.push(`(${prefixes.map(() => 'substr(stream, 1, ?) = ?').join(' OR ')})`);
      for (const prefix of prefixes) params.push(prefix.length, prefix);
    }
    if (filter.eventTypes && filter.eventTypes.length > 0) {
      conditions.push(`type IN (${filter.eventTypes.map(() => '?').join(', ')})`);
      params.push(...filter.eventTypes);
    }
  }

  /** Statements are cached by shape: the number of prefixes and types varies, the SQL for each shape does not. */
  private readAllStatement(conditions: string[], backwards: boolean): Database.Statement {
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const sql = `SELECT * FROM events ${where} ORDER BY position ${backwards ? 'DESC' : 'ASC'} LIMIT ?`;
    let statement = this.readAllStatements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.readAllStatements.set(sql, statement);
    }
    return statement;
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosedError();
  }
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    stream: row.stream,
    revision: row.revision,
    position: BigInt(row.position),
    type: row.type,
    data: JSON.parse(row.data) as JsonObject,
    metadata: JSON.parse(row.metadata) as EventMetadata,
    recordedAt: row.recorded_at,
  };
}

function translateSqliteError(stream: string, error: unknown): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' && /event_id/.test((error as Error).message)) {
    return new DuplicateEventIdError(stream, 'one of the appended ids');
  }
  return new EventStoreUnavailableError(`append to '${stream}' failed: ${(error as Error).message}`, error);
}
