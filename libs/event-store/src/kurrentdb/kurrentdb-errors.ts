import { convertToCommandError, ErrorType, isCommandError, WrongExpectedVersionError as ClientWrongExpectedVersion } from '@kurrent/kurrentdb-client';
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
      const wrong = converted as ClientWrongExpectedVersion;
      return new WrongExpectedVersionError(wrong.streamName ?? stream ?? '', fromStreamState(wrong.expectedState), fromCurrentState(wrong.actualState));
    }
    case ErrorType.STREAM_DELETED:
    case ErrorType.STREAM_TOMBSTONED:
      return new InvalidEventStoreRequestError(`KurrentDB ${where}: the stream was deleted in KurrentDB (this service never deletes streams)`);
    case ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED:
    case ErrorType.APPEND_RECORD_SIZE_EXCEEDED:
    case ErrorType.TRANSACTION_MAX_SIZE_EXCEEDED:
      return new InvalidEventStoreRequestError(`KurrentDB ${where}: the append is larger than the server accepts (${converted.message})`);
    case ErrorType.INVALID_ARGUMENT:
      return new InvalidEventStoreRequestError(`KurrentDB ${where}: ${converted.message}`);
    case ErrorType.ACCESS_DENIED:
      return new EventStoreUnavailableError(`KurrentDB ${where}: access denied; check the credentials in KURRENTDB_URL`, converted);
    default:
      return new EventStoreUnavailableError(`KurrentDB ${where} failed (${converted.type}): ${converted.message}`, converted);
  }
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
