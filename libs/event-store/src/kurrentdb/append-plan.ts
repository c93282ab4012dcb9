import { AppendStreamState } from '@kurrent/kurrentdb-client';
import { expectedStateDescribesRevision, expectedStateHolds } from '../append-rules';
import { ActualState, DuplicateEventIdError, EventStoreError, WrongExpectedVersionError } from '../event-store.errors';
import type { ExpectedState, Revision } from '../event-store.port';
import { exactStreamState } from './kurrentdb-stream-state';

/** What the adapter knows of a stream's events: their ids by revision, and its last revision. */
export interface KnownIds {
  readonly actual: ActualState;
  revisionOf(id: string): Revision | undefined;
  idAt(revision: Revision): string | undefined;
}

export type AppendPlan =
  /** Send the events with this exact state: the server then refuses them if anyone wrote in between. */
  | { kind: 'write'; streamState: AppendStreamState }
  /** The very same append was already made: answer its result, write nothing. */
  | { kind: 'repeat'; lastRevision: Revision }
  | { kind: 'refuse'; error: EventStoreError };

/**
 * Decides an append the way the port (and the embedded store) does, from the stream's ids as they stand.
 *
 * KurrentDB deduplicates by event id only partly: with an exact expected revision it recognises a retry, but with
 * `any` only on a best-effort cache, and an id reused inside a *different* append is written again. So the adapter
 * decides itself — a repeat answers the first result, a reused id is refused, a wrong expected state is refused with
 * the actual state — and then sends what is left as an append at the exact state it checked. Should another writer
 * get in between, the server refuses that, and the adapter looks again: the check and the write are one atomic
 * decision as far as the stream is concerned.
 */
export function planAppend(stream: string, ids: string[], expected: ExpectedState, known: KnownIds): AppendPlan {
  const first = known.revisionOf(ids[0]);
  if (first !== undefined) {
    const same = ids.every((id, i) => known.idAt(first + i) === id);
    if (same && expectedStateDescribesRevision(expected, first))
      return { kind: 'repeat', lastRevision: first + ids.length - 1 };
    if (!expectedStateHolds(expected, known.actual))
      return refuse(new WrongExpectedVersionError(stream, expected, known.actual));
    return refuse(new DuplicateEventIdError(stream, ids[0]));
  }
  if (!expectedStateHolds(expected, known.actual))
    return refuse(new WrongExpectedVersionError(stream, expected, known.actual));
  const reused = ids.find((id) => known.revisionOf(id) !== undefined);
  if (reused !== undefined) return refuse(new DuplicateEventIdError(stream, reused));
  return { kind: 'write', streamState: exactStreamState(known.actual) };
}

function refuse(error: EventStoreError): AppendPlan {
  return { kind: 'refuse', error };
}
