import type { LedgerEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';

/** A recorded event of the ledger stream, typed: projections subscribe to ledger event types only. */
export function asLedgerEvent(event: RecordedEvent): LedgerEvent {
  // A recorded event has the `type` and `data` of the domain event it records; no copy is needed.
  return event as unknown as LedgerEvent;
}

export const tenantOf = (event: RecordedEvent): string => event.stream.slice('ledger-'.length);
export function key(a: string, b: string, c?: string, d?: string): string {
  return c === undefined ? `${a}|${b}` : d === undefined ? `${a}|${b}|${c}` : `${a}|${b}|${c}|${d}`;
}
