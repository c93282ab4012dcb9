import type { WrongExpectedVersionError } from '@app/event-store';

/**
 * Something inside a turn failed that no rule foresaw (a bug, a value canonical JSON cannot express, …). Every
 * command of the turn fails with it; the message names nothing internal, the cause is kept for the log.
 */
export class CommandTurnFailedError extends Error {
  constructor(
    readonly stream: string,
    cause: unknown,
  ) {
    super('the command could not be completed');
    this.name = 'CommandTurnFailedError';
    this.cause = cause;
  }
}

/** Every retry met a concurrent writer; the last conflict is kept as the cause. */
export class ConcurrencyRetriesExhaustedError extends Error {
  constructor(
    readonly stream: string,
    readonly attempts: number,
    cause: WrongExpectedVersionError,
  ) {
    super(`stream ${stream}: gave up after ${attempts} concurrent-write conflicts`);
    this.name = 'ConcurrencyRetriesExhaustedError';
    this.cause = cause;
  }
}
