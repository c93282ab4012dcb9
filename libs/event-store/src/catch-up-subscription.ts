import type { AllSubscription, Position, RecordedEvent } from './event-store.port';

export interface PageOfAll {
  events: RecordedEvent[];
  /**
   * The position up to which the source has looked. With a filter it may lie beyond the last event returned, so
   * that events which did not match are not scanned again.
   */
  scannedTo: Position | undefined;
}

/** Wakes waiting subscriptions when the store has something new. */
export class ChangeSignal {
  private version = 0;
  private waiters = new Set<() => void>();

  get current(): number {
    return this.version;
  }

  notify(): void {
    this.version++;
    const waiting = this.waiters;
    this.waiters = new Set();
    for (const wake of waiting) wake();
  }

  /** Resolves when a change newer than `seen` is signalled, after `timeoutMs`, or when `stopped` settles. */
  wait(seen: number, timeoutMs: number, stopped: Promise<void>): Promise<void> {
    if (this.version !== seen) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      void stopped.then(done);
    });
  }
}

/**
 * A catch-up subscription over a store that can page its global log: reads history page by page, then waits for
 * a change signal (or polls, for writers in other processes) and reads on. Each page starts strictly after the
 * last position handed out, so there is no gap and no duplicate as long as positions become visible in order.
 */
export class CatchUpSubscription implements AllSubscription {
  private stopped = false;
  private started = false;
  private resolveStop!: () => void;
  private readonly stopPromise = new Promise<void>((resolve) => (this.resolveStop = resolve));

  constructor(
    private readonly page: (after: Position | undefined, limit: number) => Promise<PageOfAll>,
    private readonly changes: ChangeSignal,
    private after: Position | undefined,
    /** `onStop`: told once, when the subscription is stopped (the store forgets it). */
    private readonly options: { pageSize: number; pollIntervalMs: number; onStop?: () => void },
  ) {}

  async stop(): Promise<void> {
    if (!this.stopped) this.options.onStop?.();
    this.stopped = true;
    this.resolveStop();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    if (this.started) throw new Error('a subscription can be iterated only once; subscribe again to resume');
    this.started = true;
    while (!this.stopped) {
      const seen = this.changes.current;
      const { events, scannedTo } = await this.page(this.after, this.options.pageSize);
      for (const event of events) {
        if (this.stopped) return;
        this.after = event.position;
        yield event;
      }
      if (scannedTo !== undefined && (this.after === undefined || scannedTo > this.after)) this.after = scannedTo;
      if (events.length < this.options.pageSize && !this.stopped) {
        await this.changes.wait(seen, this.options.pollIntervalMs, this.stopPromise);
      }
    }
  }
}
