import type { AllFilter, AllSubscription, EventStore, RecordedEvent } from '../../src';

/** A subscription read into an array as it goes, until stopped. */
export interface Reader {
  filter: AllFilter | undefined;
  seen: RecordedEvent[];
  /** Why the subscription ended by itself, if it did (a test waiting on it then stops waiting). */
  failed: unknown;
  stop(): Promise<void>;
}

export function startReader(store: EventStore, filter?: AllFilter): Reader {
  const seen: RecordedEvent[] = [];
  const subscription: AllSubscription = store.subscribeToAll({ filter });
  const reader: Reader = {
    filter,
    seen,
    failed: undefined,
    stop: async () => {
      await subscription.stop();
      await reading;
    },
  };
  const reading = (async () => {
    for await (const event of subscription) seen.push(event);
  })().catch((error: unknown) => {
    reader.failed = error ?? new Error('the subscription failed');
  });
  return reader;
}

/**
 * Turns the event loop (immediates, and a timer now and then, for a subscription that polls for another
 * connection's appends) until `condition` holds. No clock is asserted on: the test's own timeout bounds it.
 */
export async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; !condition(); turn++) {
    await new Promise((resolve) => (turn % 50 === 49 ? setTimeout(resolve, 1) : setImmediate(resolve)));
  }
}

/**
 * A value with every object turned into its [key, value] pairs in key order, so that an equality also checks the
 * order of keys (what `JSON.stringify` of a projection's row would show), and -0 stays distinct from 0.
 */
export function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).map(([key, member]) => [key, ordered(member)]);
  }
  return value;
}
