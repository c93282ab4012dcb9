import type { Decider } from '../shared/decider';
import { decideLedger, LedgerCommand, LedgerRefusal } from './ledger.decide';
import { evolveLedger, initialLedgerState, LedgerEvent, LedgerState } from './ledger.events';

export const ledger: Decider<LedgerCommand, LedgerEvent, LedgerState, LedgerRefusal> = {
  initialState: initialLedgerState,
  decide: decideLedger,
  evolve: evolveLedger,
};

export const ledgerStream = (tenantId: string) => `ledger-${tenantId}`;
