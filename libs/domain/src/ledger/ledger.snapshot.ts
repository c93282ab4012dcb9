import { fromJsonBytes, jsonBytes, StateCodec } from '../shared/state-codec';
import type { LedgerEvent, LedgerState } from './ledger.events';

/**
 * The ledger state is plain data: its snapshot is its JSON, either side of the union (`status` is kept with it).
 * Version 2: the state is the union `NoPackageYet | ActiveLedger` (version 1 was one record with a nullable tenant).
 */
export const ledgerStateCodec: StateCodec<LedgerState, LedgerEvent> = {
  version: 2,
  encode: (state) => jsonBytes(state),
  decode(bytes) {
    const state = fromJsonBytes<LedgerState>(bytes);
    const status: unknown = state.status;
    if (status !== 'no-package' && status !== 'active')
      throw new Error(`ledger snapshot: unknown status ${String(status)}`);
    return state;
  },
  stateBytes(state) {
    if (state.status !== 'active') return 4096;
    // Per holding about 160 bytes (key, object, hidden class), per owner its package rows.
    let holdings = 0;
    for (const owner in state.holderCounts)
      for (const module in state.holderCounts[owner]) holdings += state.holderCounts[owner][module];
    return 4096 + holdings * 160 + state.activePlanHolders * 100 + Object.keys(state.owners).length * 16_384;
  },
  eventBytes: (event) =>
    event.type === 'LicensePackageActivated' ? 1000 + event.data.package.modules.length * 600 : 300,
};
