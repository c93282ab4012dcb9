import { DeadlineExceededError, NotLeaderError, UnknownError } from '@kurrent/kurrentdb-client';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';

/**
 * The errors a KurrentDB server sends, as the client turns them into errors (its `convertToCommandError`): built
 * from gRPC service errors with the status, message and trailers the server sets.
 */

function serviceError(code: status, details: string, trailers: Record<string, string> = {}): ServiceError {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
}

/** A follower refusing a write: the leader's endpoint in the trailers (KurrentDB's RpcExceptions.LeaderInfo). */
export function notLeader(): NotLeaderError {
  return new NotLeaderError(
    serviceError(status.NOT_FOUND, 'Leader info available', {
      exception: 'not-leader',
      'leader-endpoint-host': 'node2',
      'leader-endpoint-port': '2113',
    }),
  );
}

/** A read or subscription of `$all` from a position that is no record's (KurrentDB's InvalidPositionException). */
export function invalidPosition(): UnknownError {
  return new UnknownError(serviceError(status.UNKNOWN, 'Trying to read from an invalid position.'));
}

/** A call that outlived the deadline the client set on it. */
export function deadlineExceeded(): DeadlineExceededError {
  return new DeadlineExceededError(serviceError(status.DEADLINE_EXCEEDED, 'Deadline exceeded'));
}
