export * from './projection';
export * from './batch-documents';
export * from './projection-engine';
export * from './ledger/license-list.projection';
export * from './ledger/user-licenses.projection';
export * from './ledger/status.projection';
export * from './metering/metering-totals.projection';
export * from './system-events/system-events-feed.projection';
export * from './system-events/license-dates.projection';

import { licenseListProjection } from './ledger/license-list.projection';
import { statusProjection } from './ledger/status.projection';
import { userLicensesProjection } from './ledger/user-licenses.projection';
import { meteringTotalsProjection } from './metering/metering-totals.projection';
import { licenseDatesProjection } from './system-events/license-dates.projection';
import { systemEventsFeedProjection } from './system-events/system-events-feed.projection';

export const LEDGER_PROJECTIONS = [licenseListProjection, userLicensesProjection, statusProjection] as const;
/** The feed, and the package dates the daily license-date check reads. */
export const SYSTEM_EVENTS_PROJECTIONS = [systemEventsFeedProjection, licenseDatesProjection] as const;
/** Every projection the service runs: the API in embedded mode, the projector in production. */
export const ALL_PROJECTIONS = [...LEDGER_PROJECTIONS, meteringTotalsProjection, ...SYSTEM_EVENTS_PROJECTIONS] as const;
export * from './system-events/system-events-queries';
export * from './ledger/ledger-queries';
export * from './metering/metering-queries';
