import { exhaustive } from '../shared/decider';
import { evolveLedger, initialLedgerState, LedgerEvent, LedgerState } from './ledger.events';

/**
 * The ledger as it stood at a moment, for auditors. "At a moment" uses the domain time each event carries (the
 * command's time, stamped by the decider as `activatedAt`, `rejectedAt` or `at`), not the store's recording time:
 * the domain time travels with the event through an export and an import, the recording time does not.
 */

/** The instant at which an event took effect. */
export function ledgerEventTime(event: LedgerEvent): string {
  switch (event.type) {
    case 'LicensePackageActivated':
      return event.data.activatedAt;
    case 'LicensePackageRejected':
      return event.data.rejectedAt;
    case 'LicenseAssigned':
    case 'LicenseReleased':
    case 'UserDeactivated':
    case 'UserReactivated':
      return event.data.at;
    default:
      return exhaustive(event);
  }
}

/**
 * Folds the events that had taken effect by `moment` (inclusive) into `state`, in stream order, and stops at the
 * first event after it. Stopping, rather than skipping that event and going on, keeps the answer a state the
 * ledger really was in, even if clocks of different processes ever disagreed. With times that never go back (one
 * clock), it is the same as folding every event whose time is not after the moment.
 *
 * Returns whether an event after the moment was met: then nothing later in the stream can count either.
 */
export function foldLedgerUntil(
  state: LedgerState,
  events: Iterable<LedgerEvent>,
  moment: Date,
): { state: LedgerState; passed: boolean } {
  const limit = moment.getTime();
  for (const event of events) {
    if (Date.parse(ledgerEventTime(event)) > limit) return { state, passed: true };
    state = evolveLedger(state, event);
  }
  return { state, passed: false };
}

export function ledgerStateAsOf(events: Iterable<LedgerEvent>, moment: Date): LedgerState {
  return foldLedgerUntil(initialLedgerState(), events, moment).state;
}
