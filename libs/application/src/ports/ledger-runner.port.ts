import type { LedgerCommand, LedgerEvent, LedgerRefusal, LedgerState } from '@app/domain';
import type { DeciderRunner } from '../decider-runner';

export type LedgerRunner = DeciderRunner<LedgerCommand, LedgerEvent, LedgerState, LedgerRefusal>;

/** The ledger's runner, one per process; the API's LedgerModule binds it. */
export const LEDGER_RUNNER = Symbol('LEDGER_RUNNER');
/** The trusted root certificates (`TrustedRoots` of libs/signing) that packages are verified against. */
export const TRUSTED_ROOTS = Symbol('TRUSTED_ROOTS');
