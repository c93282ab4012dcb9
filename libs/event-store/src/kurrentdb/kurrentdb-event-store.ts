import {
  AppendResult as ClientAppendResult,
  BACKWARDS,
  END,
  excludeSystemEvents,
  FORWARDS,
  ReadAllOptions as ClientReadAllOptions,
  START,
} from '@kurrent/kurrentdb-client';
import { assertValidMaxCount, assertValidReadAllOptions, assertValidStreamName, prepareAppend } from '../append-rules';
import { EventStoreClosedError, EventStoreUnavailableError } from '../event-store.errors';
import type {
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
import { bindingsOf, BoundKey } from '../idempotency-keys';
import { planAppend } from './append-plan';
import { KurrentClient, KurrentDbEventStoreOptions, readAllPage, readIdentities } from './kurrentdb-client';
import { readAllBackwards, readAllForwards } from './kurrentdb-all-reads';
import { parseQuietly } from './kurrentdb-connection';
import { isNotLeader, isStreamNotFound, isWrongExpectedVersion, toPortError } from './kurrentdb-errors';
import { toEventData, toRecordedEvent } from './kurrentdb-event';
import { matchesFilter, serverFilter } from './kurrentdb-filter';
import { KurrentDbIdempotencyKeys } from './kurrentdb-idempotency-keys';
import { toLogPosition, toPortPosition } from './kurrentdb-position';
import { Backoff, jitteredDelay, ResubscribingSubscription } from './resubscribing-subscription';
import { StreamIdIndex } from './stream-id-index';

// The client's calls and the options, beside this file; importable from here as they always were.
export type { KurrentClient, KurrentDbEventStoreOptions } from './kurrentdb-client';

/** Appends that keep meeting other writers between the adapter's look and its write give up after this many. */
const MAX_APPEND_ATTEMPTS = 20;
const DEFAULT_APPEND_BACKOFF: Backoff = { initialMs: 10, maxMs: 1_000 };
const DEFAULT_READ_DEADLINE_MS = 30_000;

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
  private readonly keys: KurrentDbIdempotencyKeys;

  constructor(
    private readonly client: KurrentClient,
    private readonly options: KurrentDbEventStoreOptions = {},
  ) {
    this.ids = new StreamIdIndex((stream, fromRevision, maxCount) =>
      readIdentities(this.client, this.readDeadline, stream, fromRevision, maxCount),
    );
    this.keys = new KurrentDbIdempotencyKeys(client, () => this.readDeadline);
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
    const bindings = bindingsOf(stream, events);
    let reserved = bindings.length === 0;
    let notLeaderRetried = false;
    for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
      // Writers that met each other spread out before looking again, rather than meeting again at once.
      if (attempt > 1)
        await this.wait(jitteredDelay(attempt - 1, this.options.appendBackoff ?? DEFAULT_APPEND_BACKOFF));
      const { known } = await this.ids.catchUp(stream);
      const plan = planAppend(stream, ids, expectedState, known);
      if (plan.kind === 'refuse') throw plan.error;
      if (plan.kind === 'repeat') return this.resultAt(stream, plan.lastRevision);
      // The keys are reserved only for an append about to be written, once (kurrentdb-idempotency-keys.ts).
      if (!reserved) await this.keys.reserve(stream, bindings);
      reserved = true;
      let written: ClientAppendResult;
      try {
        written = await this.client.appendToStream(stream, data, { streamState: plan.streamState });
      } catch (error) {
        if (isWrongExpectedVersion(error)) continue;
        // A follower answered: the client has reconnected to the leader it named; one more try goes there. The
        // look at the stream is repeated first, since the follower may have been behind.
        if (isNotLeader(error) && !notLeaderRetried) {
          notLeaderRetried = true;
          attempt--;
          continue;
        }
        throw toPortError(error, 'append to', stream);
      }
      // With throwOnAppendFailure=false in the connection string, the client answers a conflict instead of throwing.
      if (!written.success) continue;
      return this.resultAt(stream, Number(written.nextExpectedRevision));
    }
    throw new EventStoreUnavailableError(
      `append to '${stream}' kept meeting concurrent writers (${MAX_APPEND_ATTEMPTS} attempts)`,
    );
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<ReadStreamResult> {
    this.assertOpen();
    assertValidStreamName(stream);
    assertValidMaxCount(options.maxCount);
    const backwards = options.direction === 'backwards';
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(stream, {
        deadline: this.readDeadline,
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
    const page = (pageOptions: ClientReadAllOptions) => readAllPage(this.client, this.readDeadline, pageOptions);
    return options.direction === 'backwards' ? readAllBackwards(page, options) : readAllForwards(page, options);
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
      toEvent: (resolved) =>
        resolved.event && matchesFilter({ stream: resolved.event.streamId, type: resolved.event.type }, filter)
          ? toRecordedEvent(resolved.event)
          : undefined,
      backoff: this.options.backoff,
      sleep: this.options.sleep,
      onDropped: this.options.onSubscriptionDropped,
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async idempotencyKey(key: string): Promise<BoundKey | null> {
    this.assertOpen();
    return this.keys.lookup(key);
  }

  async headPosition(): Promise<Position | null> {
    this.assertOpen();
    const read = this.client.readAll({
      direction: BACKWARDS,
      fromPosition: END,
      maxCount: 1,
      filter: excludeSystemEvents(),
      deadline: this.options.connectTimeoutMs ?? 5_000,
    });
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
      const [event] = (await readIdentities(this.client, this.readDeadline, stream, lastRevision, 1)) ?? [];
      if (event === undefined || event.revision !== lastRevision) {
        throw new EventStoreUnavailableError(
          `stream '${stream}' has no event at revision ${lastRevision} right after appending it`,
        );
      }
      position = event.position;
    }
    return { nextExpectedRevision: lastRevision, position };
  }

  private async withinTimeout<T>(work: Promise<T>, what: string): Promise<T> {
    const timeoutMs = this.options.connectTimeoutMs ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new EventStoreUnavailableError(`KurrentDB ${what} did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([work.catch((error: unknown) => Promise.reject(toPortError(error, what))), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private get readDeadline(): number {
    return this.options.readDeadlineMs ?? DEFAULT_READ_DEADLINE_MS;
  }

  private wait(ms: number): Promise<void> {
    return this.options.delay ? this.options.delay(ms) : new Promise((resolve) => setTimeout(resolve, ms));
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosedError();
  }
}
