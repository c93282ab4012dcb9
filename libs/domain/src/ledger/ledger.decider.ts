import type { EventSourcedDecider } from '../shared/decider';
import { ledgerEventCodec } from './ledger.codec';
import { decideLedger, LedgerCommand, LedgerRefusal } from './ledger.decide';
import { evolveLedger, initialLedgerState, LedgerEvent, LedgerState } from './ledger.events';

export const ledger: EventSourcedDecider<LedgerCommand, LedgerEvent, LedgerState, LedgerRefusal> = {
  codec: ledgerEventCodec,
  initialState: initialLedgerState,
  decide: decideLedger,
  evolve: evolveLedger,
};

export const ledgerStream = (tenantId: string) => `ledger-${tenantId}`;
