import type { OwnerLicenseDates } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { BatchDocuments, Projection } from '../projection';
import { asLedgerEvent, key, tenantOf } from '../ledger/ledger-event';

export const LICENSE_DATES = 'license_dates';

export type LicenseDatesDocument = OwnerLicenseDates & { [field: string]: unknown };

/** The dates of each owner's active package, for the daily check of admin-warning and grace dates. */
export const licenseDatesProjection: Projection = {
  name: 'license-dates',
  collections: { [LICENSE_DATES]: [] },
  eventTypes: ['LicensePackageActivated'],

  documentsFor(recorded: RecordedEvent): Array<[string, string]> {
    const event = asLedgerEvent(recorded);
    return event.type === 'LicensePackageActivated'
      ? [[LICENSE_DATES, key(tenantOf(recorded), event.data.package.owner.name)]]
      : [];
  },

  apply(recorded: RecordedEvent, documents: BatchDocuments): void {
    const event = asLedgerEvent(recorded);
    if (event.type !== 'LicensePackageActivated') return;
    const { package: pkg } = event.data;
    const tenant = tenantOf(recorded);
    documents.put(LICENSE_DATES, key(tenant, pkg.owner.name), {
      tenant,
      owner: pkg.owner.name,
      packageId: pkg.packageId,
      expiration: pkg.dates.expiration,
      graceTo: pkg.dates.graceTo,
      adminWarningDate: pkg.dates.adminWarningDate,
    } satisfies LicenseDatesDocument);
  },
};
