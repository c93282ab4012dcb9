import type { AllStreamResolvedEvent } from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError } from '../event-store.errors';
import type { AllSubscription, Position, RecordedEvent } from '../event-store.port';
import { isTransient, toPortError } from './kurrentdb-errors';

/**
 * The part of the client's `$all` subscription this adapter relies on, as the client documents it
 * (`AllStreamSubscription`): a readable stream of resolved events, iterated with `for await` (which pulls, so a
 * slow consumer is never flooded); an 'error' ends the iteration with that error; `unsubscribe()` cancels it.
 */
export interface ClientAllSubscription extends AsyncIterable<AllStreamResolvedEvent> {
  unsubscribe(): Promise<void>;
  /** Readable.destroy: ends an iteration that is still waiting once the subscription is cancelled. */
  destroy(error?: Error): unknown;
  on(event: 'confirmation', listener: () => void): unknown;
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 100, maxMs: 10_000 };

/** The wait before resubscribing after `failures` drops in a row: doubling from `initialMs`, capped at `maxMs`. */
export function backoffDelay(failures: number, backoff: Backoff = DEFAULT_BACKOFF): number {
  const exponent = Math.max(0, failures - 1);
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(exponent, 30));
}

/** Full jitter (AWS architecture blog): a uniform wait up to the doubling bound, so that retries spread out. */
export function jitteredDelay(failures: number, backoff: Backoff, random: () => number = Math.random): number {
  return Math.floor(random() * backoffDelay(failures, backoff));
}

export interface ResubscribeOptions {
  /** Opens a client subscription delivering the events after `after` (undefined: from the start of `$all`). */
  open(after: Position | undefined): ClientAllSubscription;
  /** The port's event for a resolved event, or undefined if it is not one for this subscription (filtered out). */
  toEvent(resolved: AllStreamResolvedEvent): RecordedEvent | undefined;
  afterPosition?: Position;
  backoff?: Backoff;
  /** Waits `ms` or until `stopped` settles; injectable so that tests need no real time. */
  sleep?(ms: number, stopped: Promise<void>): Promise<void>;
  /** Told of every drop before the wait, for the log. */
  onDropped?(error: unknown, failures: number, delayMs: number): void;
  /** Non-transient failures in a row (access denied, invalid position, …) after which the subscription fails (default 5). */
  maxPermanentFailures?: number;
}

const DEFAULT_MAX_PERMANENT_FAILURES = 5;

/**
 * A catch-up subscription to `$all` that survives dropped connections: when the client's subscription fails or
 * ends, it waits (exponential backoff) and subscribes again after the last event it handed out. The backoff is reset
 * only once an event has been delivered: KurrentDB confirms a subscription before it catches up, so a confirmation
 * proves nothing. Transient failures (unavailable, deadline, not leader, a dropped connection) are waited out for as
 * long as they last; a non-transient one (access denied, an invalid position) that repeats `maxPermanentFailures`
 * times in a row ends the iteration with that error, so the projections stop and say so instead of retrying forever. Whether the server starts a subscription at or after a position, an
 * event at or before the last position delivered is never delivered again, so there is no duplicate and no gap.
 *
 * Errors in the events themselves (one the port cannot represent) are not connection problems: they end the
 * iteration, so the consumer stops and says so instead of skipping an event.
 */
export class ResubscribingSubscription implements AllSubscription {
  private stopped = false;
  private started = false;
  private current?: ClientAllSubscription;
  private last: Position | undefined;
  private resolveStop!: () => void;
  private readonly stopPromise = new Promise<void>((resolve) => (this.resolveStop = resolve));

  constructor(private readonly options: ResubscribeOptions) {
    this.last = options.afterPosition;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.resolveStop();
    await this.cancel(this.current);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    if (this.started) throw new Error('a subscription can be iterated only once; subscribe again to resume');
    this.started = true;
    let failures = 0;
    let permanentFailures = 0;
    while (!this.stopped) {
      const subscription = this.options.open(this.last);
      this.current = subscription;
      const iterator = subscription[Symbol.asyncIterator]();
      let dropped: unknown;
      try {
        for (;;) {
          let next: IteratorResult<AllStreamResolvedEvent>;
          try {
            next = await iterator.next();
          } catch (error) {
            dropped = error;
            break;
          }
          if (this.stopped) return;
          if (next.done) {
            dropped = new Error('the server ended the subscription');
            break;
          }
          const event = this.options.toEvent(next.value);
          if (event === undefined || (this.last !== undefined && event.position <= this.last)) continue;
          this.last = event.position;
          // Progress: the subscription works again, so the next drop starts the backoff afresh.
          failures = 0;
          permanentFailures = 0;
          yield event;
          if (this.stopped) return;
        }
      } finally {
        this.current = undefined;
        await this.cancel(subscription);
      }
      if (this.stopped) return;
      failures++;
      if (
        !isTransient(dropped) &&
        ++permanentFailures >= (this.options.maxPermanentFailures ?? DEFAULT_MAX_PERMANENT_FAILURES)
      ) {
        const cause = toPortError(dropped, 'subscription to', '$all');
        throw new EventStoreUnavailableError(
          `subscription to $all gave up after ${permanentFailures} non-transient failures in a row: ${cause.message}`,
          dropped,
        );
      }
      const delay = backoffDelay(failures, this.options.backoff);
      this.options.onDropped?.(dropped, failures, delay);
      await (this.options.sleep ?? sleep)(delay, this.stopPromise);
    }
  }

  private async cancel(subscription: ClientAllSubscription | undefined): Promise<void> {
    if (!subscription) return;
    try {
      await subscription.unsubscribe();
    } catch {
      // Cancelling a subscription whose connection already failed has nothing left to do.
    }
    subscription.destroy();
  }
}

function sleep(ms: number, stopped: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void stopped.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
