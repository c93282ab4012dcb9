import type { ExpectedState, Revision } from './event-store.port';

/** The stream's current state, as reported in a wrong-expected-version error. */
export type ActualState = 'no_stream' | Revision;

export abstract class EventStoreError extends Error {
  abstract readonly code: string;
  protected constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The append's expected state did not hold: somebody else wrote first. Reload, decide again, retry. */
export class WrongExpectedVersionError extends EventStoreError {
  readonly code = 'wrong-expected-version';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedState,
    readonly actual: ActualState,
  ) {
    super(`stream '${stream}': expected ${String(expected)}, actual ${String(actual)}`);
  }
}

/** An event id is already recorded in the stream, but not as a repeat of the same append. */
export class DuplicateEventIdError extends EventStoreError {
  readonly code = 'duplicate-event-id';
  constructor(
    readonly stream: string,
    readonly eventId: string,
  ) {
    super(`stream '${stream}': event id ${eventId} is already recorded by a different append`);
  }
}

/**
 * The append's events carry an idempotency key (`metadata.idempotencyKey`) that is already bound to a different
 * request (`metadata.requestHash`): the key was used before, for something else. Nothing of the append is written.
 */
export class IdempotencyKeyConflictError extends EventStoreError {
  readonly code = 'idempotency-key-conflict';
  constructor(
    readonly stream: string,
    readonly key: string,
  ) {
    super(`stream '${stream}': idempotency key ${key} is already bound to a different request`);
  }
}

/** The caller's input is not a valid append or read (bad stream name, id, type, data, option). */
export class InvalidEventStoreRequestError extends EventStoreError {
  readonly code = 'invalid-request';
  // Public, where the base class's is protected.
  // eslint-disable-next-line @typescript-eslint/no-useless-constructor
  constructor(message: string) {
    super(message);
  }
}

export class EventStoreClosedError extends EventStoreError {
  readonly code = 'store-closed';
  constructor() {
    super('the event store is closed');
  }
}

/** The store cannot be reached or failed underneath (disk, network, server). */
export class EventStoreUnavailableError extends EventStoreError {
  readonly code = 'store-unavailable';
  constructor(message: string, cause?: unknown) {
    super(message);
    this.cause = cause;
  }
}

/**
 * A stored checkpoint is past the head of the log: the log was restored from an older backup or wiped, and every
 * event up to the checkpoint would be skipped without a word. The process refuses to start instead.
 */
export class CheckpointAheadOfLogError extends EventStoreError {
  readonly code = 'checkpoint-ahead-of-log';
  constructor(
    readonly checkpointName: string,
    readonly checkpoint: bigint,
    readonly head: bigint | null,
  ) {
    super(
      `${checkpointName}: its checkpoint ${checkpoint} is past the head of the event store (${head ?? 'empty'}); the log was restored or wiped — ` +
        'rebuild the read models (projections rebuild), or restore the event store that matches them',
    );
  }
}

/** Throws CheckpointAheadOfLogError for the first checkpoint beyond the store's head. */
export function assertCheckpointsWithinLog(
  checkpoints: Array<{ name: string; position: bigint | null }>,
  head: bigint | null,
): void {
  for (const { name, position } of checkpoints) {
    if (position !== null && (head === null || position > head))
      throw new CheckpointAheadOfLogError(name, position, head);
  }
}
