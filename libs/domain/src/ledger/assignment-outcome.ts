import { Holding, holdingAfter, holdingsOf, isHoldingEvent, LedgerEvent, LedgerState } from './ledger.events';

/** What a user holds of one owner before and after some events: the effect of a command, without touching state. */
export function holdingsAround(
  state: LedgerState,
  owner: string,
  userId: string,
  events: LedgerEvent[],
): { before: Map<string, Holding>; after: Map<string, Holding> } {
  const before = new Map<string, Holding>();
  for (const [module, holders] of Object.entries(holdingsOf(state, owner))) {
    if (holders[userId]) before.set(module, holders[userId]);
  }
  const after = new Map(before);
  for (const event of events) {
    if (!isHoldingEvent(event) || event.data.owner !== owner || event.data.userId !== userId) continue;
    const holding = holdingAfter(after.get(event.data.module), event);
    if (holding) after.set(event.data.module, holding);
    else after.delete(event.data.module);
  }
  return { before, after };
}

/** The modules held in `after` but not in `before`. */
export function newlyHeld(before: Map<string, Holding>, after: Map<string, Holding>): string[] {
  return [...after.keys()].filter((module) => !before.has(module));
}

/** The licenses a command made a user hold, and those it made the user lose, per owner. */
export function assignmentOutcome(
  state: LedgerState,
  userId: string,
  events: LedgerEvent[],
): { assigned: string[]; released: string[] } {
  const owners = new Set(
    events.flatMap((e) => (e.type === 'LicenseAssigned' || e.type === 'LicenseReleased' ? [e.data.owner] : [])),
  );
  const assigned: string[] = [];
  const released: string[] = [];
  for (const owner of owners) {
    const { before, after } = holdingsAround(state, owner, userId, events);
    assigned.push(...newlyHeld(before, after));
    released.push(...newlyHeld(after, before));
  }
  return { assigned: assigned.sort(), released: released.sort() };
}
