import { fromJsonBytes, jsonBytes, StateCodec } from '../shared/state-codec';
import type { LedgerEvent, LedgerState } from './ledger.events';

/** The ledger state is plain data: its snapshot is its JSON. */
export const ledgerStateCodec: StateCodec<LedgerState, LedgerEvent> = {
  version: 1,
  encode: (state) => jsonBytes(state),
  decode: (bytes) => fromJsonBytes<LedgerState>(bytes),
  stateBytes(state) {
    // Per holding about 160 bytes (key, object, hidden class), per owner its package rows.
    let holdings = 0;
    for (const owner in state.holderCounts) for (const module in state.holderCounts[owner]) holdings += state.holderCounts[owner][module];
    return 4096 + holdings * 160 + state.activePlanHolders * 100 + Object.keys(state.owners).length * 16_384;
  },
  eventBytes: (event) => (event.type === 'LicensePackageActivated' ? 1000 + event.data.package.modules.length * 600 : 300),
};
