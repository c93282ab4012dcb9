import { convertToCommandError, ErrorType, isCommandError } from '@kurrent/kurrentdb-client';
import {
  EventStoreError,
  EventStoreUnavailableError,
  InvalidEventStoreRequestError,
  WrongExpectedVersionError,
} from '../event-store.errors';
import { fromCurrentState, fromStreamState } from './kurrentdb-stream-state';

/**
 * A client error in the port's terms. Port errors pass through; gRPC status errors the client did not convert
 * itself (it throws some raw, e.g. when the first call cannot connect) are converted first.
 *
 * - wrong expected version → WrongExpectedVersionError with the expected and actual state;
 * - the request itself is wrong (too large, invalid argument, a stream KurrentDB deleted) → InvalidEventStoreRequestError;
 * - everything about reaching or trusting the server (unavailable, deadline, not leader, access denied, unknown)
 *   → EventStoreUnavailableError, carrying the client error as its cause.
 */
export function toPortError(error: unknown, operation: string, stream?: string): Error {
  if (error instanceof EventStoreError) return error;
  const converted = error instanceof Error ? convertToCommandError(error) : error;
  const where = stream === undefined ? operation : `${operation} '${stream}'`;
  if (!(converted instanceof Error) || !isCommandError(converted)) {
    return new EventStoreUnavailableError(`KurrentDB ${where} failed: ${describe(converted)}`, error);
  }
  switch (converted.type) {
    case ErrorType.WRONG_EXPECTED_VERSION: {
      const wrong = converted;
      return new WrongExpectedVersionError(
        wrong.streamName ?? stream ?? '',
        fromStreamState(wrong.expectedState),
        fromCurrentState(wrong.actualState),
      );
    }
    case ErrorType.STREAM_DELETED:
    case ErrorType.STREAM_TOMBSTONED:
      return new InvalidEventStoreRequestError(
        `KurrentDB ${where}: the stream was deleted in KurrentDB (this service never deletes streams)`,
      );
    case ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED:
    case ErrorType.APPEND_RECORD_SIZE_EXCEEDED:
    case ErrorType.TRANSACTION_MAX_SIZE_EXCEEDED:
      return new InvalidEventStoreRequestError(
        `KurrentDB ${where}: the append is larger than the server accepts (${converted.message})`,
      );
    case ErrorType.INVALID_ARGUMENT:
      return new InvalidEventStoreRequestError(`KurrentDB ${where}: ${converted.message}`);
    case ErrorType.UNKNOWN:
      // KurrentDB answers a read of `$all` from a position that is no record's with gRPC Unknown and this message
      // (RpcExceptions.InvalidPositionException): the caller's position is wrong, the server is fine.
      if (isInvalidPosition(converted))
        return new InvalidEventStoreRequestError(`KurrentDB ${where}: no event starts at that position`);
      return new EventStoreUnavailableError(
        `KurrentDB ${where} failed (${converted.type}): ${converted.message}`,
        converted,
      );
    case ErrorType.ACCESS_DENIED:
      return new EventStoreUnavailableError(
        `KurrentDB ${where}: access denied; check the credentials in KURRENTDB_URL`,
        converted,
      );
    default:
      return new EventStoreUnavailableError(
        `KurrentDB ${where} failed (${converted.type}): ${converted.message}`,
        converted,
      );
  }
}

/** A read of `$all` from a position that is no record's (the server's InvalidPositionException). */
export function isInvalidPosition(error: unknown): boolean {
  return error instanceof Error && /invalid position/i.test(error.message);
}

/** A follower refused the write: the client reconnects to the leader it named, so one retry goes there. */
export function isNotLeader(error: unknown): boolean {
  const converted = error instanceof Error ? convertToCommandError(error) : error;
  return converted instanceof Error && isCommandError(converted) && converted.type === ErrorType.NOT_LEADER;
}

/**
 * Errors that say the server or the connection is passing through a bad moment — worth waiting out. Anything else
 * (access denied, an invalid argument or position, an unknown failure) will answer the same way next time.
 */
export function isTransient(error: unknown): boolean {
  const converted = error instanceof Error ? convertToCommandError(error) : error;
  if (!(converted instanceof Error) || !isCommandError(converted)) return true;
  return [
    ErrorType.UNAVAILABLE,
    ErrorType.DEADLINE_EXCEEDED,
    ErrorType.TIMEOUT,
    ErrorType.NOT_LEADER,
    ErrorType.CANCELLED,
  ].includes(converted.type);
}

/** Whether a client error is a concurrency conflict: the adapter then looks at the stream again. */
export function isWrongExpectedVersion(error: unknown): boolean {
  const converted = error instanceof Error ? convertToCommandError(error) : error;
  return converted instanceof Error && isCommandError(converted) && converted.type === ErrorType.WRONG_EXPECTED_VERSION;
}

/** A stream that does not exist: the distinct `stream-not-found` outcome of readStream, not an error. */
export function isStreamNotFound(error: unknown): boolean {
  return error instanceof Error && isCommandError(error) && error.type === ErrorType.STREAM_NOT_FOUND;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
