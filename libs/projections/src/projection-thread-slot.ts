import type { Position } from '@app/event-store';

/** A batch request as it sits in the slot: `apply` the events from `first` to `last` (`count` of them), or `skipped`. */
export type SlotRequest =
  { id: number; kind: 'apply'; first: Position; last: Position; count: number } | { id: number; kind: 'skipped' };

const SEQ = 0;
const KIND = 1;
const COUNT = 2;
const SLEEPING = 3;
const CONTROL = 4;
const APPLY = 1;
const SKIPPED = 2;

/**
 * The engine's batch requests to its projection thread, through shared memory rather than `postMessage` (issue 15,
 * goal 4). Why: a message wakes the thread from the poster's side, and on this 2-core VM the woken thread then
 * often ran on the poster's core — each post cost the event loop ~0.4–1.4 ms of wall time (PROFILES.md, session 24),
 * about as much as the thread took off it. Here the main thread only writes the request into the slot (no syscall);
 * the thread, busy, polls the slot on its own timer (at most POLL_MS late: the engine then waits, requests do not).
 * Idle for a while, it says it sleeps and waits for a message, which the next request then sends (one wake after
 * each idle spell, none under load).
 *
 * One request is in the slot at a time (the engine awaits each before the next), so one slot is enough. Messages the
 * engine posts besides (an online rebuild's `adopt`) are counted, and a request carries that count: the thread
 * takes it only once it has handled those messages, so they keep their order.
 */
export class RequestSlot {
  private readonly cells: Int32Array;
  private readonly positions: BigInt64Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(8 * 4 + 2 * 8)) {
    this.cells = new Int32Array(buffer, 0, 8);
    this.positions = new BigInt64Array(buffer, 32, 2);
  }

  /** The main thread's side: puts a request in; true when the thread sleeps and must be woken by a message. */
  post(request: SlotRequest, controlMessages: number): boolean {
    Atomics.store(this.cells, KIND, request.kind === 'apply' ? APPLY : SKIPPED);
    if (request.kind === 'apply') {
      Atomics.store(this.positions, 0, request.first);
      Atomics.store(this.positions, 1, request.last);
      Atomics.store(this.cells, COUNT, request.count);
    }
    Atomics.store(this.cells, CONTROL, controlMessages);
    Atomics.store(this.cells, SEQ, request.id);
    return Atomics.compareExchange(this.cells, SLEEPING, 1, 0) === 1;
  }

  /** The thread's side: the request after `handled`, once the messages posted before it were handled; else none. */
  take(handled: number, controlHandled: number): SlotRequest | undefined {
    const id = Atomics.load(this.cells, SEQ);
    if (id === handled || Atomics.load(this.cells, CONTROL) > controlHandled) return undefined;
    if (Atomics.load(this.cells, KIND) === SKIPPED) return { id, kind: 'skipped' };
    const [first, last] = [Atomics.load(this.positions, 0), Atomics.load(this.positions, 1)];
    return { id, kind: 'apply', first, last, count: Atomics.load(this.cells, COUNT) };
  }

  /**
   * The thread's side: says it sleeps; false if a request came meanwhile (or the poster already saw the flag and
   * wakes it: either way the thread must not wait for a wake that may not come, so it polls again).
   */
  sleep(handled: number): boolean {
    Atomics.store(this.cells, SLEEPING, 1);
    if (Atomics.load(this.cells, SEQ) === handled) return true;
    Atomics.compareExchange(this.cells, SLEEPING, 1, 0);
    return false;
  }
}

/** How often a busy thread looks into the slot, and how many empty looks make it sleep. */
export const POLL_MS = 1;
export const POLLS_BEFORE_SLEEP = 50;
