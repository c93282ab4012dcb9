import type { BoundKey } from './idempotency-keys';

/**
 * The event-store port. Its semantics are those of KurrentDB/EventStoreDB so that the embedded adapter and the
 * production adapter are interchangeable: named streams with revisions from 0, an expected state on every append,
 * one global order across all streams, and catch-up subscriptions to that order.
 */

/** Global position of an event in the store-wide order. Strictly increasing in commit order, not dense. */
export type Position = bigint;

/** Per-stream revision: the first event of a stream has revision 0. */
export type Revision = number;

export type ExpectedState = 'no_stream' | 'stream_exists' | 'any' | Revision;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * Who and what caused an event, and what proves it untouched. Adapters store the object as given; the store reads
 * none of it but `idempotencyKey` and `requestHash`. The command runner (`libs/application`, `chainDecisions`) writes every field below on every event a
 * command records; events appended by other writers (tests, imports) may carry fewer.
 */
export interface EventMetadata {
  /** Ties every event of one business request together, across streams: the caller's correlation id, or a new one. */
  correlationId?: string;
  /**
   * What directly caused this event: the id of the command that recorded it, or, for a command a process manager
   * sent in reaction to an event (a notice), the id of that event.
   */
  causationId?: string;
  /** Who asked: the API key's name, a token's subject, `anonymous`, or `licensing-backend` for its own notices. */
  actor?: string;
  /** The tenant the event belongs to. */
  tenant?: string;
  /** The id of the command that recorded the event (the `Idempotency-Key`); event ids derive from it. */
  commandId?: string;
  /** SHA-256 (hex) of the command without its time: a repeat of the command id must ask the same, or it is refused. */
  commandHash?: string;
  /**
   * The caller's idempotency key (the HTTP `Idempotency-Key` or body `commandId`) of the request that recorded the
   * event. Unlike `commandId` (which a request may derive per stream, as metering does per month), it is the same
   * on every event of the request, on every stream. The store reads it: the first append carrying a key binds it to
   * `requestHash`, and an append carrying it with another `requestHash` is refused (see `idempotency-keys.ts`).
   * Absent on events whose request sent no key, on notices, and on events recorded before it existed.
   */
  idempotencyKey?: string;
  /** SHA-256 (hex) of what the request asked (method, route, parameters, body; not who, not when). */
  requestHash?: string;
  /**
   * The answer the command gave the first time (the HTTP body without its position), so that a retry, even after a
   * restart, gets the same answer without deciding again. It stays here rather than being recomputed, because the
   * state it was computed from is gone once later events follow. Its shape is version 1 of each command's answer;
   * a handler that changes the shape writes `resultVersion: 2` and converts version 1 when it reads a repeat.
   */
  result?: JsonValue;
  /**
   * The revision of the last event of the append that recorded this event: every command of one append is answered
   * with that event's position, so a repeat read back after a restart answers the same position. Absent on events
   * recorded before it existed (they answer their own command's last event).
   */
  appendEnd?: number;
  /** Absent: version 1. See `result`. */
  resultVersion?: number;
  /** The version of the event data's shape; absent: version 1. Older versions are upcast when read (`EventCodec`). */
  schemaVersion?: number;
  /** SHA-256 (hex) over the canonical JSON of the event and `previousHash`: the hash chain (`event-chain.ts`). */
  hash?: string;
  /** The `hash` of the previous event of the same stream; null for revision 0. */
  previousHash?: string | null;
  [key: string]: JsonValue | undefined;
}

export interface NewEvent {
  /** UUID. Supply it to make retries idempotent; the store generates one when absent. */
  id?: string;
  type: string;
  data: JsonObject;
  /**
   * Optional: `JSON.stringify(data)`, already made by the caller, which the store then keeps as the event's data text
   * instead of serialising `data` again (a batch of 1,000 usage records is 110 kB of JSON whose pieces the command
   * runner has written already, for its hashes). It must be exactly what `JSON.stringify(data)` answers, byte for
   * byte: adapters store it as given, as if they had made it (the SQLite store keeps it as the `data` column;
   * KurrentDB reads it as the event's JSON), and read back `data` from it. A caller that is not sure leaves it out.
   */
  dataJson?: string;
  metadata?: EventMetadata;
}

export interface RecordedEvent {
  id: string;
  stream: string;
  revision: Revision;
  position: Position;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
  /** ISO-8601 instant at which the store committed the event. */
  recordedAt: string;
}

export interface AppendResult {
  /** Revision of the last event written; pass it as the expected state of the next append. */
  nextExpectedRevision: Revision;
  /** Global position of the last event written. */
  position: Position;
  /**
   * True when this append wrote its events, exactly as given; false when the store answered it as the repeat of an
   * earlier append with the same event ids, whose stored events may differ from these (another correlation id, so
   * another hash). Absent when the adapter cannot tell: what was stored must then be read to be known.
   */
  written?: boolean;
  /**
   * The stream's mark (`EventStore.streamMark`) right after this append, from an adapter with marks, when the append
   * wrote its events: while `streamMark(stream)` still answers it, the stream is what the appender read plus these
   * events, and it need not read the stream again (a command runner's next turn).
   */
  streamMark?: number;
}

/**
 * What an append may be told besides its events. An adapter may ignore all of it (KurrentDB does): its append then
 * answers once, when the events are durable, as before.
 */
export interface AppendOptions {
  /**
   * Told the append's result as soon as its commit is made, before it is durable, by an adapter that makes commits
   * durable later (the SQLite store at synchronous=FULL syncs its WAL after the commit, off the event loop). From
   * then on `readStream` shows the events to this process and the next append may expect their revision; the
   * returned promise still settles only once they are durable, with the same result, or rejects if they (or an
   * earlier commit of the store) could not be made durable. A command runner decides a stream's next commands on
   * the committed state meanwhile, and answers each one only once its own append is durable.
   *
   * An adapter that calls it promises: it is called at most once, synchronously from the commit, only for a
   * successful commit (a refusal such as a wrong expected version is reported only through the promise, once what
   * it was decided on is durable); and once a commit fails to become durable, every later append of the store
   * fails too (until it is reopened), so nothing decided on a lost commit is ever acknowledged. The callback must
   * not throw.
   */
  onCommitted?: (result: AppendResult) => void;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  /** Inclusive. Default: the first revision forwards, the last revision backwards. */
  fromRevision?: Revision;
  direction?: Direction;
  maxCount?: number;
}

export type ReadStreamResult =
  { status: 'found'; stream: string; events: RecordedEvent[] } | { status: 'stream-not-found'; stream: string };

export interface AllFilter {
  /** Keep events whose stream name starts with one of these prefixes. */
  streamPrefix?: string | string[];
  /** Keep events of these types. */
  eventTypes?: string[];
}

export interface ReadAllOptions {
  /** Inclusive, like KurrentDB's readAll. Forwards default: the start; backwards default: the end. */
  fromPosition?: Position;
  /** Exclusive: start just after this position (a checkpoint). Not together with `fromPosition`. */
  afterPosition?: Position;
  direction?: Direction;
  maxCount?: number;
  filter?: AllFilter;
}

/** What `EventStore.readAllAhead` reads: forwards, no filter, from `afterPosition` up to `upTo`. */
export interface ReadAllAheadOptions {
  /** Exclusive, like `ReadAllOptions.afterPosition`; absent: from the very start. */
  afterPosition?: Position;
  /** Inclusive: nothing after it is read, whatever is appended meanwhile (a rebuild takes it from `headPosition`). */
  upTo: Position;
  /** Events per page; the last page may be shorter. */
  pageSize: number;
}

export interface SubscribeToAllOptions {
  /** Deliver the events after this position (exclusive, like KurrentDB); absent: from the very start. */
  afterPosition?: Position;
  filter?: AllFilter;
}

/**
 * A catch-up subscription: history first, then live events, in global order, with no gap and no duplicate.
 * Iterate it with `for await`; the next event is fetched only when the consumer asks, so a slow consumer is never
 * flooded. `stop()` ends the iteration; resume later with a new subscription after the last position handled.
 */
export interface AllSubscription extends AsyncIterable<RecordedEvent> {
  stop(): Promise<void>;
}

export interface EventStoreHealth {
  status: 'up' | 'down';
  adapter: string;
  headPosition: string | null;
  detail?: string;
}

export interface EventStore {
  /** Answers once the events are durable (see `AppendOptions.onCommitted` for an earlier word that they committed). */
  append(
    stream: string,
    events: NewEvent[],
    expectedState: ExpectedState,
    options?: AppendOptions,
  ): Promise<AppendResult>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<ReadStreamResult>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Optional: a long forward read of the log (a rebuild's), the pages `readAll` would answer up to `upTo` (and no
   * further than is durable), read ahead of the consumer, on another thread where the adapter can (SQLite on a file
   * does). Breaking out of the iteration stops the read; a failure fails it. Adapters without it leave it out and
   * their readers page through `readAll`.
   */
  readAllAhead?(options: ReadAllAheadOptions): AsyncIterable<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeToAllOptions): AllSubscription;
  /**
   * What an idempotency key is bound to (by the first append whose events carried it), or null if no append has
   * carried it. A primary-key lookup: cheap enough to ask before every command that carries a key.
   */
  idempotencyKey(key: string): Promise<BoundKey | null>;
  /** Position of the newest event in the store, or null while the store is empty. */
  headPosition(): Promise<Position | null>;
  /**
   * A mark of one stream: it differs from an earlier mark of the stream whenever an event may have been appended to
   * that stream since, by this process or any other sharing the store (an adapter may move it for appends elsewhere;
   * never keep it when the stream changed). So a reader that took a mark just before reading a stream may keep what
   * it read for as long as the mark stays equal, without reading again. Synchronous and much cheaper than a read;
   * optional: an adapter that cannot tell cheaply and soundly leaves it out (KurrentDB), and its readers read.
   */
  streamMark?(stream: string): number;
  health(): Promise<EventStoreHealth>;
  close(): Promise<void>;
}

/** Nest injection token for the configured adapter. */
export const EVENT_STORE = Symbol('EVENT_STORE');
