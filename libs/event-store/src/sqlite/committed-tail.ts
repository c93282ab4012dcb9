import type { PreparedEvent } from '../append-rules';
import type { PageOfAll } from '../catch-up-subscription';
import type { AllFilter, AppendResult, JsonValue, NewEvent, Position, RecordedEvent } from '../event-store.port';
import { isVouchedJsonSafe } from '../json-safe-values';

/** How much of its own recent commits the SQLite store keeps to serve its subscriptions' live pages. */
export interface CommittedTailLimits {
  /** Events kept at most; 0 turns the tail off (every page is read from SQLite). */
  maxEvents: number;
  /** Bytes of stored JSON (data + metadata, as written) kept at most. */
  maxBytes: number;
}

/**
 * Small: the tail only has to span what the subscriptions have not read yet when a commit becomes durable (one WAL
 * sync plus the projections' lag); a subscription further behind reads SQLite, as it always could.
 */
export const DEFAULT_TAIL_LIMITS: CommittedTailLimits = { maxEvents: 1024, maxBytes: 2 * 1024 * 1024 };

/** One append of a committed transaction, as the store queued it. */
export interface CommittedRequest {
  stream: string;
  /** The events as written (ids lowered, data and metadata serialised). */
  events: PreparedEvent[];
  /** The caller's events, whose data and metadata objects the tail hands out instead of parsing what was written. */
  sources: NewEvent[];
}

/** What a dropped slot holds until the arrays are compacted. */
const DROPPED: RecordedEvent = Object.freeze({
  id: '',
  stream: '',
  revision: -1,
  position: 0n,
  type: '',
  data: Object.freeze({}),
  metadata: Object.freeze({}),
  recordedAt: '',
});

/** Counts the objects and arrays `asWritten` walked (tests: a vouched value is not walked). */
export const committedTailCounters = { walked: 0 };

/** What one event costs the tail beyond its JSON text (object headers, strings, the bigint position). */
const EVENT_OVERHEAD_BYTES = 256;

/**
 * The RecordedEvents of the store's own latest commits, built at commit time from what the append already held, so
 * that a live subscription page after an own commit needs no read of SQLite and no JSON.parse of what was just
 * serialised (for a batch of 1,000 usage records, ~110 kB parsed again by every subscription that matched it).
 *
 * It serves a page only when it holds EVERY event of the page's range: it covers positions (from, to], all its own,
 * dense (SQLite's integer key — max + 1, or AUTOINCREMENT on files made before session 25 — gives one transaction's
 * rows consecutive positions, and a savepoint rolled back for a refused append gives its positions back). An own
 * commit that does not start at `to + 1` means another writer (process or connection) committed in between: the
 * tail starts over after that gap, so a range with a foreign event in it is never served from here. Only successful
 * writes enter it (a refusal or a repeat wrote nothing); the store drops it when a WAL sync fails or it closes.
 *
 * What it hands out equals what `readAll` reads back for the same positions: the same ids, types, positions and
 * `recordedAt`, and data/metadata that JSON round-trips to themselves (anything else — undefined members, -0, NaN,
 * class instances, holes — is taken from the written text instead). Those objects are the writer's own (a runner
 * keeps them in its state), shared by every subscriber, so they are frozen, deeply: a projection or runner that
 * mutated event data would otherwise corrupt what the next reader sees; frozen, it fails loudly at the mutation.
 * The RecordedEvent around them is the tail's, shared by this process's subscribers as the projection engine
 * already shares one among its projections.
 */
export class CommittedTail {
  private readonly entries: RecordedEvent[] = [];
  private readonly sizes: number[] = [];
  /** Index in `entries` of the oldest event kept (evicted ones are dropped in chunks, not one shift each). */
  private first = 0;
  private bytes = 0;
  /** Every position in (from, to] is in the tail, at index first + (position - from - 1); none while !covering. */
  private from = 0;
  private to = 0;
  private covering = false;
  /** Where each subscriber reads on from: what all of them have read is dropped (see `readFrom`). */
  private readonly readers = new Map<object, number>();

  constructor(private readonly limits: CommittedTailLimits = DEFAULT_TAIL_LIMITS) {}

  /**
   * The appends of one committed transaction, in commit order, each with the appender's outcome, and the commit's
   * `recorded_at`.
   */
  record(
    appends: readonly CommittedRequest[],
    outcomes: ReadonlyArray<AppendResult | Error>,
    recordedAt: string,
  ): void {
    if (this.limits.maxEvents <= 0) return;
    appends.forEach((append, index) => {
      const result = outcomes[index];
      // A refusal (its savepoint rolled back) or an answered repeat wrote nothing.
      if (result instanceof Error || result.written !== true) return;
      this.recordAppend(append, result, recordedAt);
    });
  }

  private recordAppend({ stream, events, sources }: CommittedRequest, result: AppendResult, recordedAt: string): void {
    const count = events.length;
    const last = Number(result.position);
    const firstPosition = last - count + 1;
    const firstRevision = result.nextExpectedRevision - count + 1;
    if (!this.covering || firstPosition !== this.to + 1) this.startAt(firstPosition - 1);
    // SQLite stores text as UTF-8: a lone surrogate would not read back as written, so such an append is left to
    // SQLite (the tail starts over after it).
    if (hasLoneSurrogate(stream) || events.some((event) => hasLoneSurrogate(event.type))) {
      this.clear();
      return;
    }
    for (let i = 0; i < count; i++) {
      const written = events[i];
      // The event object itself stays extensible: projections keep per-event memos on it (see decoded-once.ts).
      this.entries.push({
        id: written.id,
        stream,
        revision: firstRevision + i,
        position: BigInt(firstPosition + i),
        type: written.type,
        data: asWritten(sources[i].data, written.data),
        metadata: asWritten(sources[i].metadata ?? {}, written.metadata),
        recordedAt,
      });
      const size = written.data.length + written.metadata.length + EVENT_OVERHEAD_BYTES;
      this.sizes.push(size);
      this.bytes += size;
    }
    this.to = last;
    this.evict();
  }

  /**
   * The page SQLite would answer (see `SqliteQueries.pageOfAll`: up to `limit` events in (after, head] matching
   * `filter`, and how far it looked), or undefined when the tail does not hold that whole range.
   */
  page(after: Position | undefined, head: number, limit: number, filter?: AllFilter): PageOfAll | undefined {
    const start = after === undefined ? 0 : Number(after);
    if (!this.covering || start < this.from || head > this.to) return undefined;
    const matches = matcherOf(filter);
    if (matches === null) return undefined;
    const events: RecordedEvent[] = [];
    const end = this.first + (head - this.from);
    for (let index = this.first + Math.max(0, start - this.from); index < end; index++) {
      const event = this.entries[index];
      if (matches !== undefined && !matches(event)) continue;
      events.push(event);
      if (events.length === limit) break;
    }
    const scannedTo = events.length === limit ? events[events.length - 1].position : BigInt(head);
    return { events, scannedTo };
  }

  /**
   * A subscriber asks for the page after `after`. What every subscriber has read is dropped: kept, it would only
   * keep the writer's objects (and the memos projections hang on events) alive into the old generation, which made
   * the collector's share grow more than the parses it saved (batches of 1,000 records: 14.6 → 20.8 % GC).
   */
  readFrom(reader: object, after: Position | undefined): void {
    this.readers.set(reader, after === undefined ? 0 : Number(after));
    let lowest = Infinity;
    for (const position of this.readers.values()) if (position < lowest) lowest = position;
    while (this.first < this.entries.length && Number(this.entries[this.first].position) <= lowest) this.dropOldest();
    this.compact();
  }

  /** A subscriber that stopped no longer holds events in the tail. */
  forget(reader: object): void {
    this.readers.delete(reader);
  }

  /** Forgets everything: later pages read SQLite until an own commit starts the tail again. */
  clear(): void {
    this.entries.length = 0;
    this.sizes.length = 0;
    this.first = 0;
    this.bytes = 0;
    this.covering = false;
  }

  /** How many events it holds (tests). */
  get size(): number {
    return this.entries.length - this.first;
  }

  private startAt(position: number): void {
    this.clear();
    this.covering = true;
    this.from = position;
    this.to = position;
  }

  private evict(): void {
    while (
      this.first < this.entries.length &&
      (this.size > this.limits.maxEvents || this.bytes > this.limits.maxBytes)
    ) {
      this.dropOldest();
    }
    this.compact();
  }

  private dropOldest(): void {
    this.bytes -= this.sizes[this.first];
    this.from = Number(this.entries[this.first].position);
    this.entries[this.first] = DROPPED; // let its objects go now, not at the next compaction
    this.first++;
  }

  private compact(): void {
    // Drop the evicted slots once they are the larger part, so the arrays stay within twice the bound.
    if (this.first > 0 && this.first >= this.entries.length - this.first) {
      this.entries.splice(0, this.first);
      this.sizes.splice(0, this.first);
      this.first = 0;
    }
  }
}

/**
 * The filter as a predicate equal to SQLite's (`addFilter`: `substr(stream, 1, length) = prefix`, `type IN (…)`);
 * undefined to keep everything; null when the two could differ: SQLite's substr counts code points where JS counts
 * UTF-16 units, so a prefix with a surrogate in it (or a type with a lone one) is left to SQLite.
 */
function matcherOf(filter: AllFilter | undefined): ((event: RecordedEvent) => boolean) | undefined | null {
  if (!filter) return undefined;
  const prefixes = filter.streamPrefix === undefined ? [] : [filter.streamPrefix].flat();
  const types = filter.eventTypes ?? [];
  if (prefixes.some((prefix) => /[\uD800-\uDFFF]/.test(prefix)) || types.some(hasLoneSurrogate)) return null;
  if (prefixes.length === 0 && types.length === 0) return undefined;
  const typeSet = new Set(types);
  return (event) =>
    (prefixes.length === 0 || prefixes.some((prefix) => event.stream.startsWith(prefix))) &&
    (typeSet.size === 0 || typeSet.has(event.type));
}

function hasLoneSurrogate(text: string): boolean {
  return /\p{Surrogate}/u.test(text);
}

/** The caller's object, frozen, when JSON reads it back as itself; otherwise what JSON reads back from `text`. */
function asWritten<T>(value: T, text: string): T {
  const objects: object[] = [];
  if (roundTrips(value, objects)) {
    for (const object of objects) Object.freeze(object);
    return value;
  }
  const parsed = JSON.parse(text) as T;
  deepFreeze(parsed);
  return parsed;
}

/**
 * Does JSON.parse(JSON.stringify(value)) give an equal value, with the same keys in the same order? Collects the
 * objects and arrays it walks into `objects` (one walk: they are frozen only if the whole value round-trips).
 */
function roundTrips(value: unknown, objects: object[]): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object':
      break;
    default:
      return false; // undefined, functions, symbols, bigints
  }
  if (value === null) return true;
  // Frozen already, and round-trips by its maker's word (json-safe-values.ts): a batch's 1,000 records, not walked.
  if (isVouchedJsonSafe(value)) return true;
  committedTailCounters.walked++;
  objects.push(value);
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) if (!(i in value) || !roundTrips(value[i], objects)) return false;
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false; // class instances (Date: its toJSON)
  const record = value as Record<string, unknown>;
  for (const key in record) {
    // for…in lists inherited enumerable keys too, which JSON skips; Object.prototype has none, unless polluted.
    if (!Object.hasOwn(record, key) || !roundTrips(record[key], objects)) return false;
  }
  return true;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  Object.freeze(value);
  if (Array.isArray(value)) for (const item of value as JsonValue[]) deepFreeze(item);
  else for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
}
