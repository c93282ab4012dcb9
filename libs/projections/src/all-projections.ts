import type { Projection } from './projection';
import { licenseListProjection } from './ledger/license-list.projection';
import { statusProjection } from './ledger/status.projection';
import { userLicensesProjection } from './ledger/user-licenses.projection';
import { meteringTotalsProjection } from './metering/metering-totals.projection';
import { licenseDatesProjection } from './system-events/license-dates.projection';
import { systemEventsFeedProjection } from './system-events/system-events-feed.projection';
import { packageHistoryProjection } from './console/package-history.projection';
import { tenantDirectoryProjection } from './console/tenant-directory.projection';

export const LEDGER_PROJECTIONS = [licenseListProjection, userLicensesProjection, statusProjection] as const;
/** The feed, and the package dates the daily license-date check reads. */
export const SYSTEM_EVENTS_PROJECTIONS = [systemEventsFeedProjection, licenseDatesProjection] as const;

/** The console's lists: every tenant (with its licensee and last activity), and each tenant's packages. */
export const CONSOLE_PROJECTIONS = [tenantDirectoryProjection, packageHistoryProjection] as const;

/**
 * Every projection the service runs. The API's embedded mode, the projector process and the CLI all take their
 * list from here: a projection added to this list is projected, rebuilt and reported everywhere.
 */
export const ALL_PROJECTIONS: readonly Projection[] = [
  ...LEDGER_PROJECTIONS,
  meteringTotalsProjection,
  ...SYSTEM_EVENTS_PROJECTIONS,
  ...CONSOLE_PROJECTIONS,
];
