export * from './projection';
export * from './batch-documents';
export * from './projection-engine';
export * from './projection-positions';
export * from './all-projections';
export * from './projections-runtime.module';
export * from './ledger/license-list.projection';
export * from './ledger/user-licenses.projection';
export * from './ledger/status.projection';

import { licenseListProjection } from './ledger/license-list.projection';
import { statusProjection } from './ledger/status.projection';
import { userLicensesProjection } from './ledger/user-licenses.projection';

export const LEDGER_PROJECTIONS = [licenseListProjection, userLicensesProjection, statusProjection] as const;
export * from './ledger/ledger-queries';
