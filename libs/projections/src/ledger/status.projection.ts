import { textOf } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { BatchDocuments, Projection } from '../projection';
import { asLedgerEvent, tenantOf, userKeyOf } from './ledger-event';

export const STATUS = 'status';
export const STATUS_USERS = 'status_users';

export interface StatusDocument {
  [field: string]: unknown;
  tenant: string;
  owners: Record<
    string,
    {
      serialNumber: string;
      databaseType: string;
      expiration: string | null;
      userNumber: number | null;
      webNumber: number | null;
    }
  >;
  /** Active users holding at least one plan (counting method 2). */
  planHolders: number;
}

interface StatusUserDocument {
  [field: string]: unknown;
  active: boolean;
  plans: number;
}

/** The status tab: the database's owner, serial number and type, the next expiry, and the user counts. */
export const statusProjection: Projection = {
  name: 'status',
  collections: { [STATUS]: [], [STATUS_USERS]: [] },
  eventTypes: ['LicensePackageActivated', 'LicenseAssigned', 'LicenseReleased', 'UserDeactivated', 'UserReactivated'],

  documentsFor(recorded: RecordedEvent): Array<[string, string]> {
    const tenant = tenantOf(recorded);
    const event = asLedgerEvent(recorded);
    if (event.type === 'LicensePackageActivated') return [[STATUS, tenant]];
    // Only plans and (de)activations change the count of plan holders.
    if ((event.type === 'LicenseAssigned' || event.type === 'LicenseReleased') && !event.data.isPlan) return [];
    const userKey = userKeyOf(recorded);
    if (userKey === null) return [];
    return [
      [STATUS, tenant],
      [STATUS_USERS, userKey],
    ];
  },

  apply(recorded: RecordedEvent, documents: BatchDocuments): void {
    const event = asLedgerEvent(recorded);
    if ((event.type === 'LicenseAssigned' || event.type === 'LicenseReleased') && !event.data.isPlan) return;
    const tenant = tenantOf(recorded);
    const status = documents.get<StatusDocument>(STATUS, tenant) ?? { tenant, owners: {}, planHolders: 0 };
    switch (event.type) {
      case 'LicensePackageActivated': {
        const pkg = event.data.package;
        const numberOf = (name: string) => pkg.modules.find((row) => row.name === name)?.number ?? null;
        status.owners[pkg.owner.name] = {
          serialNumber: pkg.licensee.serialNumber,
          databaseType: textOf(pkg.licensee.databaseType),
          expiration: pkg.dates.expiration,
          userNumber: numberOf('user'),
          webNumber: numberOf('web'),
        };
        break;
      }
      case 'LicenseAssigned':
      case 'LicenseReleased':
      case 'UserDeactivated':
      case 'UserReactivated': {
        const id = userKeyOf(recorded);
        if (id === null) throw new Error(`${recorded.stream}@${recorded.revision}: ${event.type} names no user`);
        const user = documents.get<StatusUserDocument>(STATUS_USERS, id) ?? { active: true, plans: 0 };
        const counted = user.active && user.plans > 0;
        if (event.type === 'LicenseAssigned') user.plans++;
        else if (event.type === 'LicenseReleased') user.plans--;
        else user.active = event.type === 'UserReactivated';
        status.planHolders += (user.active && user.plans > 0 ? 1 : 0) - (counted ? 1 : 0);
        documents.put(STATUS_USERS, id, user);
        break;
      }
      default:
        return;
    }
    documents.put(STATUS, tenant, status);
  },
};
