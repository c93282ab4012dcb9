import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { AllStreamResolvedEvent, UnavailableError } from '@kurrent/kurrentdb-client';
import type { Position, RecordedEvent } from '../../src';
import { toRecordedEvent } from '../../src/kurrentdb/kurrentdb-event';
import {
  backoffDelay,
  ClientAllSubscription,
  ResubscribingSubscription,
} from '../../src/kurrentdb/resubscribing-subscription';
import { take } from '../event-store.contract';

/**
 * The client's `$all` subscription at its documented interface: a readable of resolved events that emits
 * 'confirmation' once the server accepts it, fails with an error when the connection drops, and whose
 * `unsubscribe()` cancels the call without ending the readable.
 */
class FakeClientSubscription extends Readable implements ClientAllSubscription {
  unsubscribed = false;
  private readonly queue: AllStreamResolvedEvent[];

  constructor(
    events: AllStreamResolvedEvent[],
    private readonly then: 'drop' | 'stay-open' | 'end',
    confirm = true,
  ) {
    super({ objectMode: true, highWaterMark: 4 });
    this.queue = [...events];
    if (confirm) setImmediate(() => this.emit('confirmation'));
  }

  async unsubscribe(): Promise<void> {
    this.unsubscribed = true;
  }

  override _read(): void {
    const next = this.queue.shift();
    if (next) this.push(next);
    else if (this.then === 'drop') this.destroy(new UnavailableError(undefined, 'connection reset'));
    else if (this.then === 'end') this.push(null);
  }
}

function resolved(position: bigint, stream = 'ledger-T'): AllStreamResolvedEvent {
  return {
    event: {
      streamId: stream,
      id: randomUUID(),
      isJson: true,
      revision: position,
      type: 'Thing',
      created: new Date(),
      data: { position: Number(position) },
      metadata: {},
      position: { commit: position, prepare: position },
    },
    commitPosition: position,
  };
}

/** A server scripted per subscription: each call of `open` gets the next script, told where it was opened from. */
function scriptedServer(...scripts: Array<(after: Position | undefined) => FakeClientSubscription>) {
  const opened: Array<{ after: Position | undefined; subscription: FakeClientSubscription }> = [];
  const open = (after: Position | undefined) => {
    const script = scripts[opened.length];
    if (!script) throw new Error('the test scripted no further subscription');
    const subscription = script(after);
    opened.push({ after, subscription });
    return subscription;
  };
  return { open, opened };
}

function recordingSleep() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

const toEvent = (e: AllStreamResolvedEvent): RecordedEvent | undefined =>
  e.event ? toRecordedEvent(e.event) : undefined;

describe('ResubscribingSubscription', () => {
  it('resubscribes after a drop from the last position it delivered, and delivers every event once', async () => {
    const { open, opened } = scriptedServer(
      () => new FakeClientSubscription([resolved(10n), resolved(20n), resolved(30n)], 'drop'),
      () => new FakeClientSubscription([resolved(40n), resolved(50n)], 'stay-open'),
    );
    const { delays, sleep } = recordingSleep();
    const dropped: unknown[] = [];
    const subscription = new ResubscribingSubscription({
      open,
      toEvent,
      afterPosition: 5n,
      sleep,
      onDropped: (error) => dropped.push(error),
    });
    const seen = await take(subscription, 5);
    await subscription.stop();
    expect(seen.map((e) => e.position)).toEqual([10n, 20n, 30n, 40n, 50n]);
    expect(opened.map((o) => o.after)).toEqual([5n, 30n]);
    expect(delays).toEqual([backoffDelay(1)]);
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toBeInstanceOf(UnavailableError);
    expect(opened.every((o) => o.subscription.unsubscribed && o.subscription.destroyed)).toBe(true);
  });

  it('never repeats the event at the resume position, should the server start there inclusively', async () => {
    const { open } = scriptedServer(
      () => new FakeClientSubscription([resolved(10n), resolved(20n)], 'drop'),
      (after) => new FakeClientSubscription([resolved(after!), resolved(25n), resolved(30n)], 'stay-open'),
    );
    const subscription = new ResubscribingSubscription({ open, toEvent, sleep: recordingSleep().sleep });
    const seen = await take(subscription, 4);
    await subscription.stop();
    expect(seen.map((e) => e.position)).toEqual([10n, 20n, 25n, 30n]);
  });

  it('backs off exponentially while the server stays away, up to the cap, and starts over once it is back', async () => {
    const unreachable = () => new FakeClientSubscription([], 'drop', false);
    const { open, opened } = scriptedServer(
      unreachable,
      unreachable,
      unreachable,
      unreachable,
      unreachable,
      () => new FakeClientSubscription([resolved(10n)], 'drop'),
      unreachable,
      () => new FakeClientSubscription([resolved(20n)], 'stay-open'),
    );
    const { delays, sleep } = recordingSleep();
    const subscription = new ResubscribingSubscription({
      open,
      toEvent,
      sleep,
      backoff: { initialMs: 100, maxMs: 1_000 },
    });
    const seen = await take(subscription, 2);
    await subscription.stop();
    expect(seen.map((e) => e.position)).toEqual([10n, 20n]);
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 100, 200]);
    expect(opened.map((o) => o.after)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      10n,
      10n,
    ]);
  });

  it('also resubscribes when the server ends the subscription', async () => {
    const { open, opened } = scriptedServer(
      () => new FakeClientSubscription([resolved(10n)], 'end'),
      () => new FakeClientSubscription([resolved(20n)], 'stay-open'),
    );
    const subscription = new ResubscribingSubscription({ open, toEvent, sleep: recordingSleep().sleep });
    expect((await take(subscription, 2)).map((e) => e.position)).toEqual([10n, 20n]);
    await subscription.stop();
    expect(opened).toHaveLength(2);
  });

  it('stop() ends an iteration that is waiting to resubscribe', async () => {
    const { open } = scriptedServer(() => new FakeClientSubscription([resolved(10n)], 'drop', false));
    let stopped: Promise<void> | undefined;
    let waiting!: () => void;
    const waitingStarted = new Promise<void>((resolve) => (waiting = resolve));
    const subscription = new ResubscribingSubscription({
      open,
      toEvent,
      sleep: (_ms, whenStopped) => {
        stopped = whenStopped;
        waiting();
        return whenStopped;
      },
    });
    const iteration = (async () => {
      const got: RecordedEvent[] = [];
      for await (const event of subscription) got.push(event);
      return got;
    })();
    await waitingStarted;
    await subscription.stop();
    await expect(iteration).resolves.toHaveLength(1);
    expect(stopped).toBeDefined();
  });

  it('stop() ends an iteration waiting for live events, cancelling the client subscription', async () => {
    const { open, opened } = scriptedServer(() => new FakeClientSubscription([resolved(10n)], 'stay-open'));
    const subscription = new ResubscribingSubscription({ open, toEvent });
    let delivered!: () => void;
    const first = new Promise<void>((resolve) => (delivered = resolve));
    const iteration = (async () => {
      const got: RecordedEvent[] = [];
      for await (const event of subscription) {
        got.push(event);
        delivered();
      }
      return got;
    })();
    await first;
    await subscription.stop();
    await expect(iteration).resolves.toEqual([expect.objectContaining({ position: 10n })]);
    expect(opened[0].subscription.unsubscribed).toBe(true);
  });

  it('an event the port cannot represent ends the iteration with its error instead of being skipped or retried', async () => {
    const explicitTransaction = resolved(40n);
    explicitTransaction.event!.position = { commit: 40n, prepare: 35n };
    const { open, opened } = scriptedServer(
      () => new FakeClientSubscription([resolved(10n), explicitTransaction], 'stay-open'),
    );
    const subscription = new ResubscribingSubscription({ open, toEvent, sleep: recordingSleep().sleep });
    const got: RecordedEvent[] = [];
    await expect(
      (async () => {
        for await (const event of subscription) got.push(event);
      })(),
    ).rejects.toThrow(/explicit transaction/);
    expect(got.map((e) => e.position)).toEqual([10n]);
    expect(opened).toHaveLength(1);
    expect(opened[0].subscription.unsubscribed).toBe(true);
  });

  it('computes the backoff: doubling from the initial delay, capped', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n))).toEqual([
      100, 200, 400, 800, 1_600, 3_200, 6_400, 10_000,
    ]);
    expect(backoffDelay(1_000)).toBe(10_000);
  });
});
