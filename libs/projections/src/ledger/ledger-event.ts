import { decodeLedgerEvent, LedgerEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';

// A projection decodes each event twice (documentsFor, then apply); the decoded event is kept for the second call.
const decoded = new WeakMap<RecordedEvent, LedgerEvent>();

/** A recorded event of the ledger stream, decoded and checked: projections subscribe to ledger event types only. */
export function asLedgerEvent(event: RecordedEvent): LedgerEvent {
  let domainEvent = decoded.get(event);
  if (!domainEvent) {
    domainEvent = decodeLedgerEvent(event);
    decoded.set(event, domainEvent);
  }
  return domainEvent;
}

export const tenantOf = (event: RecordedEvent): string => event.stream.slice('ledger-'.length);
export function key(a: string, b: string, c?: string, d?: string): string {
  return c === undefined ? `${a}|${b}` : d === undefined ? `${a}|${b}|${c}` : `${a}|${b}|${c}|${d}`;
}
