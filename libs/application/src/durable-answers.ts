/**
 * The answers of one stream's pipelined turns (see `DeciderRunner`): a turn may start as soon as the previous one's
 * append is committed, but what it answers stands on that append (its state, its command memory), so nothing of a
 * turn is answered before every earlier turn's append is durable, and its own too. One chain per stream gives both
 * that and the order: turn N+1's answers are released strictly after turn N's.
 *
 * A failure anywhere in the chain (an append that could not be made durable) fails every turn chained after it:
 * their decisions stood on state that may be lost. Once the last of those has failed, the chain starts afresh; by
 * then the runner has forgotten the stream's cached state, and the store refuses appends until it is reopened
 * (the contract of `AppendOptions.onCommitted`), so nothing decided on the lost state is acknowledged.
 */
export class DurableAnswers {
  /** Settles once every append registered so far is durable; rejects if one of them could not be made so. */
  private tail: Promise<void> = Promise.resolve();
  private unsettled = 0;

  /** `onSettled`: told each time a turn's answers were released (the runner drops an idle stream's queue then). */
  constructor(private readonly onSettled: () => void) {}

  /** No turn's answers wait: every append registered here is durable (or failed, and its commands were told). */
  get idle(): boolean {
    return this.unsettled === 0;
  }

  /**
   * Releases a turn's answers once `durable` (the turn's own append; undefined when it appended nothing) and every
   * earlier turn's append are durable; else `fail` gets why. Registered synchronously in turn order, so the chain
   * order is the turn order. Neither callback may throw (they settle promises).
   */
  after(durable: Promise<unknown> | undefined, release: () => void, fail: (error: unknown) => void): void {
    if (durable === undefined && this.unsettled === 0) {
      // Nothing waits: every earlier append is durable and its answers were given (an idle chain's tail has
      // settled, and a failed one was reset), so a turn that appended nothing is answered now, in order, without
      // a promise hop: a read turn on the ledger (every usage record reads it) would else make two more promises.
      release();
      this.onSettled();
      return;
    }
    // Promise.all, not tail.then(() => durable): it handles `durable` even when the tail fails first (else its own
    // rejection would go unhandled and end the process).
    const mine = durable ? Promise.all([this.tail, durable]).then(() => undefined) : this.tail;
    this.tail = mine;
    this.unsettled++;
    mine.then(
      () => this.settled(release),
      (error: unknown) => {
        // The last turn chained on the failure resets the chain: later turns stand on state read again.
        if (this.tail === mine) this.tail = Promise.resolve();
        this.settled(() => fail(error));
      },
    );
  }

  private settled(answer: () => void): void {
    this.unsettled--;
    answer();
    this.onSettled();
  }
}
