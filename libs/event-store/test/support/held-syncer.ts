import type { WalSyncer } from '../../src';

/** A sync the test has not completed or failed yet. */
interface HeldSync {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * A WAL syncer whose syncs complete (or fail) only when a test says so: it shows what waits for what at
 * synchronous=FULL without depending on timing (the store's own setImmediate flush is waited for by counting).
 */
export class HeldSyncer implements WalSyncer {
  started = 0;
  closed = false;
  private held: HeldSync[] = [];

  sync(): Promise<void> {
    this.started++;
    return new Promise((resolve, reject) => this.held.push({ resolve, reject }));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  get inFlight(): number {
    return this.held.length;
  }

  /** Completes every sync in flight, in the order they started. */
  release(): void {
    this.settle((waiter) => waiter.resolve());
  }

  /** Completes only the sync that started first, or only the one that started last. */
  releaseOne(which: 'first' | 'last'): void {
    this.takeOne(which).resolve();
  }

  /** Fails every sync in flight, in the order they started. */
  fail(error: Error): void {
    this.settle((waiter) => waiter.reject(error));
  }

  /** Fails only the sync that started last. */
  failLast(error: Error): void {
    this.takeOne('last').reject(error);
  }

  private takeOne(which: 'first' | 'last'): HeldSync {
    const held = which === 'first' ? this.held.shift() : this.held.pop();
    if (!held) throw new Error('no sync in flight');
    return held;
  }

  private settle(how: (waiter: HeldSync) => void): void {
    const held = this.held;
    this.held = [];
    held.forEach(how);
  }
}

/** A promise's state, readable without awaiting it. */
export function track<T>(promise: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let settled = false;
  const tracked = promise.finally(() => (settled = true));
  tracked.catch(() => undefined); // read through `promise` by the test; this copy only records settlement
  return { settled: () => settled, promise };
}

/** Lets the event loop turn until `condition` holds (the store flushes on setImmediate); no clock involved. */
export async function turnsUntil(condition: () => boolean, turns = 200): Promise<void> {
  for (let i = 0; i < turns && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!condition()) throw new Error('condition not reached');
}

/** A few turns of the event loop: enough for anything already signalled to run its course. */
export const someTurns = () => turnsUntil(() => false, 20).catch(() => undefined);
