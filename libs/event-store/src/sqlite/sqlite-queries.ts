import type Database from 'better-sqlite3';
import { assertValidMaxCount } from '../append-rules';
import type { PageOfAll } from '../catch-up-subscription';
import type {
  AllFilter,
  EventMetadata,
  JsonObject,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
} from '../event-store.port';

/** The read side of the SQLite event store: its row shape, its decoding and the statements built from options. */
export interface EventRow {
  position: number;
  stream: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

const MAX_CACHED_STATEMENTS = 256;

export class SqliteQueries {
  private readonly cachedStatements = new Map<string, Database.Statement>();

  private readonly streamForwards: Database.Statement<[string, number], EventRow>;
  private readonly streamExists: Database.Statement<[string], { one: number }>;

  constructor(private readonly db: Database.Database) {
    // The whole rest of a stream, as every catch-up of a command runner reads it: no LIMIT (see `limited`).
    this.streamForwards = db.prepare('SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC');
    this.streamExists = db.prepare('SELECT 1 AS one FROM events WHERE stream = ? LIMIT 1');
  }

  /**
   * The rows `readStream` answers (validated options), or null when the stream has no event (none up to `upTo`).
   * `upTo` (a position) only after a failed WAL sync: what was committed after the last good sync may be gone once
   * the store is reopened, so no reader, above all no command runner deciding on it, is shown it (see WalSyncGate).
   */
  streamRows(stream: string, options: ReadStreamOptions, upTo?: number): EventRow[] | null {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
    const durable = upTo === undefined ? '' : ' AND position <= ?';
    const params = upTo === undefined ? [stream, from] : [stream, from, upTo];
    const rows = (
      backwards || options.maxCount !== undefined || upTo !== undefined
        ? this.limited(
            `SELECT * FROM events WHERE stream = ? AND revision ${backwards ? '<=' : '>='} ?${durable} ORDER BY revision ${backwards ? 'DESC' : 'ASC'}`,
            options.maxCount,
          ).all(...params)
        : this.streamForwards.all(stream, from)
    ) as EventRow[];
    if (rows.length > 0) return rows;
    const exists =
      upTo === undefined
        ? this.streamExists.get(stream)
        : this.db.prepare('SELECT 1 AS one FROM events WHERE stream = ? AND position <= ? LIMIT 1').get(stream, upTo);
    return exists === undefined ? null : rows;
  }

  /** The rows `readAll` answers for these (validated) options, up to `durable` when the store has a durable head. */
  readAllOptions(options: ReadAllOptions, durable: number | undefined): EventRow[] {
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
    if (durable !== undefined) {
      conditions.push('position <= ?');
      params.push(durable);
    }
    addFilter(options.filter, conditions, params);
    return this.readAll(conditions, backwards, options.maxCount).all(...params) as EventRow[];
  }

  readAll(conditions: string[], backwards: boolean, maxCount: number | undefined): Database.Statement {
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    return this.limited(`SELECT * FROM events ${where} ORDER BY position ${backwards ? 'DESC' : 'ASC'}`, maxCount);
  }

  /**
   * A prepared statement for `sql` with its LIMIT written in as a literal (`maxCount` is a validated safe integer).
   * A LIMIT bound as a parameter made each run of the statement about ten times slower in this SQLite build (6 µs
   * against 0.5 µs for an empty stream tail; better-sqlite3 builds SQLite with STAT4, which re-plans a statement for
   * bound values that may change its plan). Statements are cached by their text, the oldest dropped beyond a bound:
   * the prefixes, types and page sizes callers use are few, but a caller-chosen size must not grow the cache forever.
   */
  /** A subscription's page: up to `limit` events after `after`, none beyond `head`, and how far it looked. */
  pageOfAll(after: Position | undefined, head: number, limit: number, filter?: AllFilter): PageOfAll {
    const conditions = ['position <= ?'];
    const params: Array<string | number> = [head];
    if (after !== undefined) {
      conditions.push('position > ?');
      params.push(Number(after));
    }
    addFilter(filter, conditions, params);
    const rows = this.readAll(conditions, false, limit).all(...params) as EventRow[];
    const events = rows.map(toRecordedEvent);
    const scannedTo = events.length === limit ? events[events.length - 1].position : BigInt(head);
    return { events, scannedTo };
  }

  limited(sql: string, maxCount: number | undefined): Database.Statement {
    assertValidMaxCount(maxCount); // it is written into the SQL: a positive safe integer, nothing else
    const text = maxCount === undefined ? sql : `${sql} LIMIT ${maxCount}`;
    let statement = this.cachedStatements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      if (this.cachedStatements.size >= MAX_CACHED_STATEMENTS) {
        this.cachedStatements.delete(this.cachedStatements.keys().next().value ?? text);
      }
      this.cachedStatements.set(text, statement);
    }
    return statement;
  }
}

/** Adds a subscription's or a read's filter (stream prefixes, event types) to a WHERE clause being built. */
export function addFilter(filter: AllFilter | undefined, conditions: string[], params: Array<string | number>): void {
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

export function toRecordedEvent(row: EventRow): RecordedEvent {
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
