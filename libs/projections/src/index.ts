export * from './projection';
export * from './batch-documents';
export * from './projection-engine';
export * from './ledger/license-list.projection';
export * from './ledger/user-licenses.projection';
export * from './ledger/status.projection';
export * from './metering/metering-totals.projection';

import { licenseListProjection } from './ledger/license-list.projection';
import { statusProjection } from './ledger/status.projection';
import { userLicensesProjection } from './ledger/user-licenses.projection';
import { meteringTotalsProjection } from './metering/metering-totals.projection';

export const LEDGER_PROJECTIONS = [licenseListProjection, userLicensesProjection, statusProjection] as const;
/** Every projection the service runs: the API in embedded mode, the projector in production. */
export const ALL_PROJECTIONS = [...LEDGER_PROJECTIONS, meteringTotalsProjection] as const;
export * from './ledger/ledger-queries';
export * from './metering/metering-queries';
