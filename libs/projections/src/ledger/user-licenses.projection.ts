import { holdingAfter } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import type { BatchDocuments, Projection } from '../projection';
import { asLedgerEvent, key, userKeyOf } from './ledger-event';

export const USER_LICENSES = 'user_licenses';

/** Keyed `tenant|userId`. */
export interface UserLicensesDocument {
  [field: string]: unknown;
  active: boolean;
  /** plans[owner] = the user's plan with that owner. */
  plans: Record<string, string>;
  /** holdings["owner|module"] = why the user holds it. */
  holdings: Record<string, { explicit: boolean; plan: string | null }>;
}

/** Each user's licenses: active or not, the plan, the modules held. */
export const userLicensesProjection: Projection = {
  name: 'user-licenses',
  collections: { [USER_LICENSES]: [] },
  eventTypes: ['LicenseAssigned', 'LicenseReleased', 'UserDeactivated', 'UserReactivated'],

  documentsFor(recorded: RecordedEvent): Array<[string, string]> {
    const id = userKeyOf(recorded);
    return id === null ? [] : [[USER_LICENSES, id]];
  },

  apply(recorded: RecordedEvent, documents: BatchDocuments): void {
    const event = asLedgerEvent(recorded);
    if (
      event.type !== 'LicenseAssigned' &&
      event.type !== 'LicenseReleased' &&
      event.type !== 'UserDeactivated' &&
      event.type !== 'UserReactivated'
    ) {
      return;
    }
    const id = userKeyOf(recorded);
    if (id === null) throw new Error(`${recorded.stream}@${recorded.revision}: ${event.type} names no user`);
    const user = documents.get<UserLicensesDocument>(USER_LICENSES, id) ?? { active: true, plans: {}, holdings: {} };
    switch (event.type) {
      case 'UserDeactivated':
      case 'UserReactivated':
        user.active = event.type === 'UserReactivated';
        break;
      case 'LicenseAssigned':
      case 'LicenseReleased': {
        const { owner, module, isPlan } = event.data;
        const assigned = event.type === 'LicenseAssigned';
        const holdingKey = key(owner, module);
        const holding = holdingAfter(user.holdings[holdingKey], event);
        if (holding) user.holdings[holdingKey] = holding;
        else delete user.holdings[holdingKey];
        if (isPlan) {
          if (assigned) user.plans[owner] = module;
          else if (user.plans[owner] === module) delete user.plans[owner];
        }
        break;
      }
    }
    documents.put(USER_LICENSES, id, user);
  },
};
