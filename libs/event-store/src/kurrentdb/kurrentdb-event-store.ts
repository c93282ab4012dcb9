import {
  AllStreamResolvedEvent,
  AppendResult as ClientAppendResult,
  AppendToStreamOptions,
  BACKWARDS,
  END,
  EventData,
  excludeSystemEvents,
  FORWARDS,
  KurrentDBClient,
  Position as LogPosition,
  ReadAllOptions as ClientReadAllOptions,
  ReadStreamOptions as ClientReadStreamOptions,
  ResolvedEvent,
  START,
  SubscribeToAllOptions as ClientSubscribeToAllOptions,
} from '@kurrent/kurrentdb-client';
import { assertValidMaxCount, assertValidReadAllOptions, assertValidStreamName, prepareAppend } from '../append-rules';
import { EventStoreClosedError, EventStoreUnavailableError } from '../event-store.errors';
import type {
  AllFilter,
  AllSubscription,
  AppendResult,
  EventStore,
  EventStoreHealth,
  ExpectedState,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  ReadStreamResult,
  RecordedEvent,
  Revision,
  SubscribeToAllOptions,
} from '../event-store.port';
import { planAppend } from './append-plan';
import { parseQuietly } from './kurrentdb-connection';
import { isStreamNotFound, isWrongExpectedVersion, toPortError } from './kurrentdb-errors';
import { toEventData, toRecordedEvent } from './kurrentdb-event';
import { matchesFilter, serverFilter } from './kurrentdb-filter';
import { compareLogPositions, toLogPosition, toPortPosition } from './kurrentdb-position';
import { Backoff, ClientAllSubscription, ResubscribingSubscription } from './resubscribing-subscription';
import { EventIdentity, StreamIdIndex } from './stream-id-index';

/** The calls of `KurrentDBClient` this adapter makes (a test can hand in a double of just these). */
export interface KurrentClient {
  appendToStream(stream: string, events: EventData[], options: AppendToStreamOptions): Promise<ClientAppendResult>;
  readStream(stream: string, options: ClientReadStreamOptions): AsyncIterable<ResolvedEvent>;
  readAll(options: ClientReadAllOptions): AsyncIterable<AllStreamResolvedEvent>;
  subscribeToAll(options: ClientSubscribeToAllOptions): ClientAllSubscription;
  dispose(): Promise<void>;
}

export interface KurrentDbEventStoreOptions {
  /** Bound on the reachability check at start and on each health check. */
  connectTimeoutMs?: number;
  /** Resubscription backoff of catch-up subscriptions. */
  backoff?: Backoff;
  /** Told when a subscription drops (the service logs it). */
  onSubscriptionDropped?(error: unknown, failures: number, delayMs: number): void;
  /** Told of the client's warnings about the connection string, its password masked (default: stderr). */
  onWarning?(message: string): void;
  /** For tests of the resubscription: how a subscription waits before trying again. */
  sleep?(ms: number, stopped: Promise<void>): Promise<void>;
}

/** Appends that keep meeting other writers between the adapter's look and its write give up after this many. */
const MAX_APPEND_ATTEMPTS = 100;
const READ_PAGE = 1_000;

/**
 * The event-store port on KurrentDB (or EventStoreDB 22.10+), through the official gRPC client.
 *
 * - Positions: the commit position of each event (see kurrentdb-position.ts for why that is unique and ordered).
 * - Appends: decided by the adapter against the stream's known ids and sent with the exact state it checked
 *   (append-plan.ts), so expected states, repeats and reused ids behave exactly as the port says.
 * - `$all` reads and subscriptions: filtered on the server where it can, checked again here; KurrentDB's own
 *   `$`-streams never reach the port.
 * - Subscriptions resubscribe after a drop, with backoff, from the last event they delivered.
 */
export class KurrentDbEventStore implements EventStore {
  private closed = false;
  private readonly subscriptions = new Set<AllSubscription>();
  private readonly ids: StreamIdIndex;

  constructor(
    private readonly client: KurrentClient,
    private readonly options: KurrentDbEventStoreOptions = {},
  ) {
    this.ids = new StreamIdIndex((stream, fromRevision, maxCount) => this.readIdentities(stream, fromRevision, maxCount));
  }

  /** A store on the server a connection string names (`kurrentdb://host:2113?tls=false`, `kurrentdb+discover://…`). */
  static fromConnectionString(url: string, options: KurrentDbEventStoreOptions = {}): KurrentDbEventStore {
    return new KurrentDbEventStore(parseQuietly(url, options.onWarning), options);
  }

  /** Fails with EventStoreUnavailableError, within the connect timeout, if the server cannot be read from. */
  async verifyReachable(): Promise<void> {
    await this.headPosition();
  }

  async append(stream: string, events: NewEvent[], expectedState: ExpectedState): Promise<AppendResult> {
    this.assertOpen();
    const prepared = prepareAppend(stream, events, expectedState);
    const ids = prepared.map((event) => event.id);
    const data = prepared.map(toEventData);
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
      const { known } = await this.ids.catchUp(stream);
      const plan = planAppend(stream, ids, expectedState, known);
      if (plan.kind === 'refuse') throw plan.error;
      if (plan.kind === 'repeat') return this.resultAt(stream, plan.lastRevision);
      let written: ClientAppendResult;
      try {
        written = await this.client.appendToStream(stream, data, { streamState: plan.streamState });
      } catch (error) {
        if (isWrongExpectedVersion(error)) continue;
        throw toPortError(error, 'append to', stream);
      }
      // With throwOnAppendFailure=false in the connection string, the client answers a conflict instead of throwing.
      if (!written.success) continue;
      return this.resultAt(stream, Number(written.nextExpectedRevision));
    }
    throw new EventStoreUnavailableError(`append to '${stream}' kept meeting concurrent writers (${MAX_APPEND_ATTEMPTS} attempts)`);
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<ReadStreamResult> {
    this.assertOpen();
    assertValidStreamName(stream);
    assertValidMaxCount(options.maxCount);
    const backwards = options.direction === 'backwards';
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(stream, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision === undefined ? (backwards ? END : START) : BigInt(options.fromRevision),
        ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
      });
      for await (const resolved of read) if (resolved.event) events.push(toRecordedEvent(resolved.event));
    } catch (error) {
      if (isStreamNotFound(error)) return { status: 'stream-not-found', stream };
      throw toPortError(error, 'read of', stream);
    }
    return { status: 'found', stream, events };
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertValidReadAllOptions(options);
    return options.direction === 'backwards' ? this.readAllBackwards(options) : this.readAllForwards(options);
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    this.assertOpen();
    const filter = options.filter;
    const subscription = new ResubscribingSubscription({
      afterPosition: options.afterPosition,
      open: (after) =>
        this.client.subscribeToAll({
          fromPosition: after === undefined ? START : toLogPosition(after),
          filter: serverFilter(filter),
        }),
      toEvent: (resolved) => (resolved.event && matchesFilter({ stream: resolved.event.streamId, type: resolved.event.type }, filter) ? toRecordedEvent(resolved.event) : undefined),
      backoff: this.options.backoff,
      sleep: this.options.sleep,
      onDropped: this.options.onSubscriptionDropped,
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<Position | null> {
    this.assertOpen();
    const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, filter: excludeSystemEvents() });
    const newest = await this.withinTimeout(
      (async () => {
        for await (const resolved of read) {
          if (resolved.event) return toPortPosition(resolved.event.position, `event ${resolved.event.id}`);
        }
        return null;
      })(),
      'read of the head position',
    );
    return newest;
  }

  async health(): Promise<EventStoreHealth> {
    try {
      const head = await this.headPosition();
      return { status: 'up', adapter: 'kurrentdb', headPosition: head === null ? null : head.toString() };
    } catch (error) {
      return { status: 'down', adapter: 'kurrentdb', headPosition: null, detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.subscriptions.clear();
    await this.client.dispose();
  }

  /** The answer to an append whose last event has this revision (fresh, or the repeat of an earlier append). */
  private async resultAt(stream: string, lastRevision: Revision): Promise<AppendResult> {
    const { positions } = await this.ids.catchUp(stream);
    let position = positions.get(lastRevision);
    if (position === undefined) {
      const [event] = (await this.readIdentities(stream, lastRevision, 1)) ?? [];
      if (event === undefined || event.revision !== lastRevision) {
        throw new EventStoreUnavailableError(`stream '${stream}' has no event at revision ${lastRevision} right after appending it`);
      }
      position = event.position;
    }
    return { nextExpectedRevision: lastRevision, position };
  }

  private async readIdentities(stream: string, fromRevision: Revision, maxCount: number): Promise<EventIdentity[] | null> {
    const identities: EventIdentity[] = [];
    try {
      // From the leader: an append is acknowledged by the leader, and its id must be seen by the next look.
      for await (const resolved of this.client.readStream(stream, { fromRevision: BigInt(fromRevision), maxCount, requiresLeader: true })) {
        const event = resolved.event;
        if (!event) continue;
        const what = `event ${event.id} (${stream}@${event.revision})`;
        identities.push({ id: event.id.toLowerCase(), revision: Number(event.revision), position: toPortPosition(event.position, what) });
      }
    } catch (error) {
      if (isStreamNotFound(error)) return null;
      throw toPortError(error, 'read of', stream);
    }
    return identities;
  }

  private async readAllForwards(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const wanted = options.maxCount ?? Number.POSITIVE_INFINITY;
    const found: RecordedEvent[] = [];
    const start = options.fromPosition ?? options.afterPosition;
    let from: LogPosition | typeof START = start === undefined ? START : toLogPosition(start);
    // KurrentDB reads forwards from a position inclusively; `afterPosition` and each next page skip what came before.
    let skipUpTo: LogPosition | undefined = options.afterPosition === undefined ? undefined : toLogPosition(options.afterPosition);
    for (;;) {
      // One more than wanted when the page may begin with the event to skip, so that every full page moves on.
      const pageSize = Math.min(READ_PAGE, Math.max(1, wanted - found.length) + (skipUpTo === undefined ? 0 : 1));
      const page = await this.readPage({ direction: FORWARDS, fromPosition: from, maxCount: pageSize, filter: serverFilter(options.filter) });
      for (const event of page) {
        if (skipUpTo !== undefined && compareLogPositions(event.position!, skipUpTo) <= 0) continue;
        if (!this.accepts(event, options.filter)) continue;
        found.push(toRecordedEvent(event));
        if (found.length >= wanted) return found;
      }
      if (page.length < pageSize) return found;
      from = page[page.length - 1].position!;
      skipUpTo = from;
    }
  }

  private async readAllBackwards(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const wanted = options.maxCount ?? Number.POSITIVE_INFINITY;
    const found: RecordedEvent[] = [];
    const start = options.fromPosition ?? options.afterPosition;
    // Backwards, KurrentDB starts just before the given position; `fromPosition` includes the event at it.
    if (options.fromPosition !== undefined) {
      const at = await this.eventAt(options.fromPosition, options.filter);
      if (at) found.push(at);
      if (found.length >= wanted) return found;
    }
    let from: LogPosition | typeof END = start === undefined ? END : toLogPosition(start);
    for (;;) {
      const pageSize = Math.min(READ_PAGE, Math.max(1, wanted - found.length) + (from === END ? 0 : 1));
      const page = await this.readPage({ direction: BACKWARDS, fromPosition: from, maxCount: pageSize, filter: serverFilter(options.filter) });
      for (const event of page) {
        if (from !== END && compareLogPositions(event.position!, from) >= 0) continue;
        if (!this.accepts(event, options.filter)) continue;
        found.push(toRecordedEvent(event));
        if (found.length >= wanted) return found;
      }
      if (page.length < pageSize) return found;
      from = page[page.length - 1].position!;
    }
  }

  /** The event at exactly this position, if there is one and the filter keeps it. */
  private async eventAt(position: Position, filter: AllFilter | undefined): Promise<RecordedEvent | undefined> {
    const [event] = await this.readPage({ direction: FORWARDS, fromPosition: toLogPosition(position), maxCount: 1, filter: serverFilter(filter) });
    if (!event || compareLogPositions(event.position!, toLogPosition(position)) !== 0 || !this.accepts(event, filter)) return undefined;
    return toRecordedEvent(event);
  }

  /** One page of `$all`, as recorded events that all carry a log position. */
  private async readPage(options: ClientReadAllOptions): Promise<Array<NonNullable<AllStreamResolvedEvent['event']>>> {
    const events: Array<NonNullable<AllStreamResolvedEvent['event']>> = [];
    try {
      for await (const resolved of this.client.readAll(options)) {
        if (!resolved.event) continue;
        if (!resolved.event.position) throw new EventStoreUnavailableError(`event ${resolved.event.id} came from $all without a position`);
        events.push(resolved.event);
      }
    } catch (error) {
      throw toPortError(error, 'read of', '$all');
    }
    return events;
  }

  private accepts(event: { streamId: string; type: string }, filter: AllFilter | undefined): boolean {
    return matchesFilter({ stream: event.streamId, type: event.type }, filter);
  }

  private async withinTimeout<T>(work: Promise<T>, what: string): Promise<T> {
    const timeoutMs = this.options.connectTimeoutMs ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new EventStoreUnavailableError(`KurrentDB ${what} did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([work.catch((error: unknown) => Promise.reject(toPortError(error, what))), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosedError();
  }
}

