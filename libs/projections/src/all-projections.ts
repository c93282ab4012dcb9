import type { Projection } from './projection';
import { licenseListProjection } from './ledger/license-list.projection';
import { statusProjection } from './ledger/status.projection';
import { userLicensesProjection } from './ledger/user-licenses.projection';

/**
 * Every projection the service runs. The API's embedded mode, the projector process and the CLI all take their
 * list from here: a projection added to this list is projected, rebuilt and reported everywhere.
 */
export const ALL_PROJECTIONS: readonly Projection[] = [licenseListProjection, userLicensesProjection, statusProjection];
