import { decodeLedgerEvent, LedgerEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { decodedOnce } from '../decoded-once';

/**
 * A recorded event of the ledger stream, decoded and checked: projections subscribe to ledger event types only.
 * Decoded once per event for all the ledger projections (and both their calls), see decodedOnce.
 */
export const asLedgerEvent: (event: RecordedEvent) => LedgerEvent = decodedOnce(decodeLedgerEvent);

export const tenantOf = (event: RecordedEvent): string => event.stream.slice('ledger-'.length);
export function key(a: string, b: string, c?: string, d?: string): string {
  return c === undefined ? `${a}|${b}` : d === undefined ? `${a}|${b}|${c}` : `${a}|${b}|${c}|${d}`;
}
