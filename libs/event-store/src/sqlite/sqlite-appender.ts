import type Database from 'better-sqlite3';
import { expectedStateDescribesRevision, expectedStateHolds, PreparedEvent } from '../append-rules';
import {
  DuplicateEventIdError,
  EventStoreError,
  EventStoreUnavailableError,
  WrongExpectedVersionError,
} from '../event-store.errors';
import type { AppendResult, ExpectedState, Revision } from '../event-store.port';
import type { KeyBinding } from '../idempotency-keys';
import type { SqliteIdempotencyKeys } from './sqlite-idempotency-keys';

/** One stream's append, as the store queued it. */
export interface AppendRequest {
  stream: string;
  events: PreparedEvent[];
  expected: ExpectedState;
  /** The idempotency keys its events carry, bound in the same transaction. */
  bindings: KeyBinding[];
}

/**
 * The write half of the SQLite event store: appends of many streams committed in one IMMEDIATE transaction (group
 * commit: one fsync for all of them), each in its own savepoint, so a refused append rolls back alone. Answers one
 * outcome per request, an AppendResult or the error that refused it; throws only when the whole commit failed.
 */
export class SqliteAppender {
  private readonly statements;
  /** Commits a batch; counted by `transactions` (tests show that many appends share one commit). */
  readonly commit: (batch: AppendRequest[]) => Array<AppendResult | Error>;
  private committed = 0;
  /** The `recorded_at` of the latest commit (the store builds its committed tail with it). */
  recordedAt = '';

  constructor(
    db: Database.Database,
    private readonly keys: SqliteIdempotencyKeys,
    /** Stamps an append it writes (see SqliteAppendMarks.appended): the stream's mark right after it. */
    private readonly stamp: (stream: string) => number = () => 0,
  ) {
    this.statements = {
      head: db.prepare<[string], { revision: number }>(
        'SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1',
      ),
      revisionOfId: db.prepare<[string, string], { revision: number }>(
        'SELECT revision FROM events WHERE stream = ? AND event_id = ?',
      ),
      // A revision range rather than a LIMIT parameter, which is slow in this SQLite build (see SqliteEventStore).
      idsFrom: db.prepare<[string, number, number], { event_id: string; position: number }>(
        'SELECT event_id, position FROM events WHERE stream = ? AND revision >= ? AND revision < ? ORDER BY revision',
      ),
      insert: db.prepare(
        'INSERT INTO events (stream, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
    };
    const appendOne = db.transaction((request: AppendRequest, recordedAt: string) =>
      this.appendInTransaction(request, recordedAt),
    );
    const group = db.transaction((batch: AppendRequest[]) => {
      const recordedAt = (this.recordedAt = new Date().toISOString());
      return batch.map((request) => {
        try {
          return appendOne(request, recordedAt);
        } catch (error) {
          return error instanceof EventStoreError ? error : translateSqliteError(request.stream, error);
        }
      });
    });
    // A lone append needs no savepoint: if it fails, the whole transaction rolls back with it.
    const lone = db.transaction((request: AppendRequest) =>
      this.appendInTransaction(request, (this.recordedAt = new Date().toISOString())),
    );
    this.commit = (batch) => {
      this.committed++;
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

  /** How many transactions this appender has committed (or tried to). */
  get transactions(): number {
    return this.committed;
  }

  private appendInTransaction(request: AppendRequest, recordedAt: string): AppendResult {
    const { stream, events, expected } = request;
    const head = this.statements.head.get(stream);
    const actual = head === undefined ? 'no_stream' : head.revision;
    // A repeat of an earlier append needs its first event already in the stream, recorded just after the revision
    // its expected state names. When the expected state names the head itself (a revision, or no stream), that
    // event would come after the head: there is none, so the lookup of its id is skipped (a command runner's append
    // always names the head it read). An id recorded earlier still fails the insert below (its UNIQUE index).
    if (!namesHead(expected, actual)) {
      const repeat = this.repeatedAppend(request);
      if (repeat) return repeat;
      if (!expectedStateHolds(expected, actual)) throw new WrongExpectedVersionError(stream, expected, actual);
    }
    let revision = actual === 'no_stream' ? -1 : actual;
    let position = 0;
    events.forEach((event, index) => {
      position = this.insert(stream, ++revision, event, recordedAt);
      // In the append's transaction: a conflicting key rolls the append back with it. After the first event, whose
      // id, when already recorded, is refused before any key (as the lookup of a repeat refuses it).
      if (index === 0) this.keys.bind(stream, request.bindings);
    });
    return {
      nextExpectedRevision: revision,
      position: BigInt(position),
      written: true,
      streamMark: this.stamp(stream),
    };
  }

  /** Inserts one event; answers its position. */
  private insert(stream: string, revision: number, event: PreparedEvent, recordedAt: string): number {
    try {
      const { id, type, data, metadata } = event;
      return Number(this.statements.insert.run(stream, revision, id, type, data, metadata, recordedAt).lastInsertRowid);
    } catch (error) {
      // Named by its id, as the lookup of a repeat names it (the store's duplicate-id contract).
      if (isDuplicateId(error)) throw new DuplicateEventIdError(stream, event.id);
      throw error;
    }
  }

  /** The first result of this very append, if it was already made (same event ids, same expected state). */
  private repeatedAppend({ stream, events, expected }: AppendRequest): AppendResult | undefined {
    const first = this.statements.revisionOfId.get(stream, events[0].id);
    if (first === undefined) return undefined;
    const recorded = this.statements.idsFrom.all(stream, first.revision, first.revision + events.length);
    const sameEvents = recorded.length === events.length && recorded.every((row, i) => row.event_id === events[i].id);
    if (sameEvents && expectedStateDescribesRevision(expected, first.revision)) {
      return {
        nextExpectedRevision: first.revision + events.length - 1,
        position: BigInt(recorded[recorded.length - 1].position),
        written: false,
      };
    }
    const head = this.statements.head.get(stream);
    const actual = head === undefined ? 'no_stream' : head.revision;
    if (!expectedStateHolds(expected, actual)) throw new WrongExpectedVersionError(stream, expected, actual);
    throw new DuplicateEventIdError(stream, events[0].id);
  }
}

/** True when the expected state is exactly the stream's head: its revision, or `no_stream` for a stream not begun. */
function namesHead(expected: ExpectedState, actual: Revision | 'no_stream'): boolean {
  return expected === actual;
}

function isDuplicateId(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' && /event_id/.test((error as Error).message);
}

function translateSqliteError(stream: string, error: unknown): Error {
  if (isDuplicateId(error)) {
    return new DuplicateEventIdError(stream, 'one of the appended ids');
  }
  return new EventStoreUnavailableError(`append to '${stream}' failed: ${(error as Error).message}`, error);
}

/** Settles each queued append with its outcome: its result, or the error that refused it. */
export function settle(
  batch: Array<{ resolve: (result: AppendResult) => void; reject: (error: unknown) => void }>,
  outcomes: Array<AppendResult | Error>,
): void {
  batch.forEach((request, index) => {
    const outcome = outcomes[index];
    if (outcome instanceof Error) request.reject(outcome);
    else request.resolve(outcome);
  });
}
