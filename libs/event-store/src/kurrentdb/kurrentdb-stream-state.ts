import { ANY, AppendStreamState, CurrentStreamState, NO_STREAM, STREAM_EXISTS } from '@kurrent/kurrentdb-client';
import type { ActualState } from '../event-store.errors';
import type { ExpectedState } from '../event-store.port';

/** The client's expected state (as a wrong-expected-version error reports it) in the port's terms. */
export function fromStreamState(state: AppendStreamState): ExpectedState {
  if (state === ANY || state === NO_STREAM || state === STREAM_EXISTS) return state;
  return revisionFromBigint(state);
}

/**
 * The stream's current state as the client reports it. Negative revisions are the server's markers for a stream
 * that has no readable events (-1 no stream, -5 deleted, -6 tombstoned): for the port, there is no stream.
 */
export function fromCurrentState(current: CurrentStreamState): ActualState {
  if (current === NO_STREAM || current < 0n) return 'no_stream';
  return revisionFromBigint(current);
}

/**
 * The client's `streamState` an append is sent with. Whatever the caller expected (`any`, `stream_exists`,
 * `no_stream` or a revision), the adapter has checked it against the stream itself (append-plan.ts) and sends the
 * state it found: `NO_STREAM` or the exact last revision, so that the server refuses the write if anyone wrote
 * in between. The server never sees `ANY` or `STREAM_EXISTS`, whose deduplication is only best effort.
 */
export function exactStreamState(actual: ActualState): AppendStreamState {
  return actual === 'no_stream' ? NO_STREAM : BigInt(actual);
}

function revisionFromBigint(revision: bigint): number {
  if (revision > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`revision ${revision} exceeds the port's range`);
  return Number(revision);
}
