import type { Refusal } from '@app/domain';
import {
  AppendResult,
  EventStore,
  ExpectedState,
  IdempotencyKeyConflictError,
  NewEvent,
  Position,
  WrongExpectedVersionError,
} from '@app/event-store';
import type { CommandEnvelope } from './command-events';
import type { BatchCommand, RunOutcome } from './decide-batch';
import type { DurableAnswers } from './durable-answers';
import { afterKeyConflict } from './idempotency-keys';
import { ConcurrencyRetriesExhaustedError } from './runner-errors';
import type { RunnerObserver } from './runner-observer';

/** The pieces of `DeciderRunner`'s turns that need none of its fields: its queues, appends and answers. */

export interface PendingCommand<Command, Event, State, Rejection extends Refusal> extends BatchCommand<
  Command,
  Event,
  State
> {
  envelope: CommandEnvelope;
  resolve: (outcome: RunOutcome<Event, unknown, Rejection>) => void;
  reject: (error: unknown) => void;
  conflicts: number;
}

export interface PendingRead<State> {
  read: (state: State, lastPosition: Position | null) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface StreamQueue<Command, Event, State, Rejection extends Refusal> {
  commands: PendingCommand<Command, Event, State, Rejection>[];
  reads: PendingRead<State>[];
  /** A turn runs (from its catch-up until its append is committed, or it ends without one). */
  busy: boolean;
  /** A drain of the queue is scheduled (see `DeciderRunner.run`). */
  drainScheduled: boolean;
  /** The answers of the stream's turns, released once what they stand on is durable, in turn order. */
  answers: DurableAnswers;
}

/**
 * Calls `drain` in the event loop's check phase (`setImmediate`), unless a call is already queued for this queue:
 * one per turn of the loop (it drains every command queued by then), not one per command, each an async call and a
 * promise. Why not a microtask, as it was (issue 15, goal 4): the requests of one poll phase are handled one socket
 * at a time, with the microtasks run after each; draining a microtask later started a turn for the first request
 * alone, and the others of the same poll waited for its commit to make a second turn. Over HTTP a fifth of the
 * usage commits were of one event; drained in the check phase, the whole poll's commands make one turn.
 */
export function drainSoon(queue: { drainScheduled: boolean }, drain: () => void): void {
  if (queue.drainScheduled) return;
  queue.drainScheduled = true;
  setImmediate(() => {
    queue.drainScheduled = false;
    drain();
  });
}

/**
 * Appends with the store's early word that the commit is made (`AppendOptions.onCommitted`): `committed` settles
 * then; or when the append itself settles, for a store that gives no early word (KurrentDB) and on a refusal (a
 * conflict is told only once what it was decided on is durable). `durable` is the append itself.
 */
export function appendPipelined(
  store: EventStore,
  stream: string,
  events: NewEvent[],
  expected: ExpectedState,
): { committed: Promise<AppendResult>; durable: Promise<AppendResult> } {
  let onCommitted: (result: AppendResult) => void = () => undefined;
  const early = new Promise<AppendResult>((resolve) => (onCommitted = resolve));
  const durable = store.append(stream, events, expected, { onCommitted });
  // The race also handles a rejection of `durable` before any commit (a refusal, a closed or failed store); after a
  // commit, the runner handles it through its chain of answers.
  return { committed: Promise.race([early, durable]), durable };
}

/**
 * After a turn's append was refused: which commands are decided again (a conflict with another process, a key
 * bound by another request across processes), and what the turn answers, later, through the chain of answers (it
 * stood on the earlier turns' appends, which may not be durable yet): `early` (reads, repeats, refusals) and the
 * commands that end here.
 */
export function afterFailedAppend<Command, Event, State, Rejection extends Refusal>(
  stream: string,
  error: unknown,
  waiting: PendingCommand<Command, Event, State, Rejection>[],
  early: Array<() => void>,
  maxAttempts: number,
): { again: PendingCommand<Command, Event, State, Rejection>[]; later: Array<() => void> } {
  const later: Array<() => void> = [...early];
  if (error instanceof IdempotencyKeyConflictError) {
    const told = waiting.map((pending) => ({
      pending,
      envelope: pending.envelope,
      reject: (reason: unknown) => later.push(() => pending.reject(reason)),
    }));
    return { again: afterKeyConflict(told, error).map((kept) => kept.pending), later };
  }
  if (error instanceof WrongExpectedVersionError) {
    // The turn's decisions were made on a state that did not come to be: decide them again on the reloaded one.
    const again = waiting.filter((pending) => {
      pending.conflicts++;
      if (pending.conflicts < maxAttempts) return true;
      later.push(() => pending.reject(new ConcurrencyRetriesExhaustedError(stream, pending.conflicts, error)));
      return false;
    });
    return { again, later };
  }
  later.push(() => waiting.forEach((pending) => pending.reject(error)));
  return { again: [], later };
}

/** Tells the observer (metrics) how the command ended; the outcome itself passes through unchanged. */
export function observed<T extends RunOutcome<unknown, unknown>>(
  observer: RunnerObserver | undefined,
  runner: string,
  command: unknown,
  outcome: Promise<T>,
): Promise<T> {
  if (!observer) return outcome;
  const type = (command as { type?: unknown }).type;
  const name = typeof type === 'string' ? type : 'unknown';
  return outcome.then(
    (settled) => {
      if (settled.kind === 'refused') observer.commandSettled(runner, name, 'refused', settled.refusal.code);
      else observer.commandSettled(runner, name, settled.repeated ? 'repeated' : 'recorded');
      return settled;
    },
    (error: unknown) => {
      observer.commandSettled(runner, name, 'failed', error instanceof Error ? error.name : 'Error');
      throw error;
    },
  );
}

export function withPosition<Event, Rejection extends Refusal>(
  outcome: RunOutcome<Event, unknown, Rejection>,
  position: Position | null,
): RunOutcome<Event, unknown, Rejection> {
  return outcome.kind === 'recorded' ? { ...outcome, position } : outcome;
}

/** Computes a read's answer now (the state may change in place before it is given), to be given later. */
export function computed<T>(
  pending: { resolve: (value: T) => void; reject: (error: unknown) => void },
  compute: () => T,
): () => void {
  try {
    const value = compute();
    return () => pending.resolve(value);
  } catch (error) {
    return () => pending.reject(error);
  }
}
