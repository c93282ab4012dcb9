import type { DeciderRunner } from '@app/application';
import type { LedgerCommand, LedgerEvent, LedgerRefusal, LedgerState } from '@app/domain';

export type LedgerRunner = DeciderRunner<LedgerCommand, LedgerEvent, LedgerState, LedgerRefusal>;

export const LEDGER_RUNNER = Symbol('LEDGER_RUNNER');
export const TRUSTED_ROOTS = Symbol('TRUSTED_ROOTS');
