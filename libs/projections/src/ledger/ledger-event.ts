import { decodeLedgerEvent, LedgerEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { decodedOnce, oncePerEvent } from '../decoded-once';
import { DocumentKeys } from '../document-keys';

/**
 * A recorded event of the ledger stream, decoded and checked: projections subscribe to ledger event types only.
 * Decoded once per event for all the ledger projections (and both their calls), see decodedOnce.
 */
export const asLedgerEvent: (event: RecordedEvent) => LedgerEvent = decodedOnce(decodeLedgerEvent);

/**
 * The tenant of a ledger event, one string per event for every projection: a document id built from the same
 * string object is hashed once by the first projection's lookup, and found again by the others without rehashing.
 */
export const tenantOf: (event: RecordedEvent) => string = oncePerEvent((event) => {
  // The tenant of the previous event's stream, again for the many events of one stream in a row: no new string to
  // hash. A rebuild's reader hands out one string object per stream, so the comparison is of references.
  if (event.stream !== lastStream) {
    lastStream = event.stream;
    lastTenant = event.stream.slice('ledger-'.length);
  }
  return lastTenant;
});
let lastStream: string | undefined;
let lastTenant = '';

/**
 * `tenant|userId` of an event about a user (null for others), one string per event: the user-licenses and the
 * status projections key their per-user documents by it, and a rebuild looks it up in both.
 */
export const userKeyOf: (event: RecordedEvent) => string | null = oncePerEvent((recorded) => {
  const event = asLedgerEvent(recorded);
  return 'userId' in event.data ? key(tenantOf(recorded), event.data.userId) : null;
});

const keys = new DocumentKeys();

/** `a|b`, `a|b|c` or `a|b|c|d`: a document id, the same string object for the same parts (see DocumentKeys). */
export function key(a: string, b: string, c?: string, d?: string): string {
  return keys.key(a, b, c, d);
}
