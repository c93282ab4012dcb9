import type { LedgerEvent } from '../ledger/ledger.events';
import { BackendEventKey, MAX_MESSAGE_LENGTH, SystemEventStatus } from './system-event-keys';

/**
 * What the backend's own notices say, decided from their causes alone: the same cause always gives the same notice,
 * so that a repeated raise of it is recognised as the same command.
 */

export type NoticeKind =
  | 'package-activated'
  | 'package-rejected'
  | 'metering-threshold-exceeded'
  | 'admin-warning-reached'
  | 'grace-date-passed';

export interface Notice {
  kind: NoticeKind;
  eventKey: BackendEventKey;
  status: SystemEventStatus;
  message: string;
}

type DataOf<T extends LedgerEvent['type']> = Extract<LedgerEvent, { type: T }>['data'];

export function packageActivatedNotice(data: DataOf<'LicensePackageActivated'>): Notice {
  const { packageId, sequence, owner, licensee } = data.package;
  return {
    kind: 'package-activated',
    eventKey: 'LicensePackageActivated',
    status: 'completed',
    message: `License package ${packageId} (sequence ${sequence}) of ${owner.name} activated for ${licensee.companyName} (serial number ${licensee.serialNumber})`,
  };
}

export function packageRejectedNotice(data: DataOf<'LicensePackageRejected'>): Notice {
  const reasons = data.reasons.map((reason) => reason.detail).join('; ');
  return {
    kind: 'package-rejected',
    eventKey: 'LicensePackageRejected',
    status: 'failed',
    message: bounded(
      `License package ${data.packageId} (sequence ${data.sequence}) of ${data.owner} rejected: ${reasons}`,
    ),
  };
}

/** The metering stream's `MeteringThresholdExceeded` event (`metering-{tenant}-{yyyy-mm}`), as this notice reads it. */
export interface MeteringThresholdNoticeCause {
  tenantId: string;
  month: string;
  service: string;
  total: number;
  threshold: number;
  users: number;
  at: string;
}

export function meteringThresholdNotice(data: MeteringThresholdNoticeCause): Notice {
  return {
    kind: 'metering-threshold-exceeded',
    eventKey: 'MeteringThresholdExceeded',
    status: 'active',
    message: `${data.service}: ${data.total} in ${data.month} is above the threshold of ${data.threshold} for ${data.users} users; the excess is billed on the next invoice`,
  };
}

/** The dates of one owner's active package, as the daily check reads them. */
export interface OwnerLicenseDates {
  tenant: string;
  owner: string;
  packageId: string;
  expiration: string | null;
  graceTo: string | null;
  adminWarningDate: string | null;
}

/** A dated notice, with the date that makes it due: part of its identity, with the owner and the package. */
export interface DatedNotice extends Notice {
  date: string;
}

/** The notices an owner's dates call for at `now`: the admin-warning date reached, the grace date passed. */
export function dueLicenseDateNotices(dates: OwnerLicenseDates, now: string): DatedNotice[] {
  const at = Date.parse(now);
  const due: DatedNotice[] = [];
  const { owner, adminWarningDate, graceTo, expiration } = dates;
  if (adminWarningDate !== null && Date.parse(adminWarningDate) <= at) {
    due.push({
      kind: 'admin-warning-reached',
      eventKey: 'LicenseAdminWarning',
      status: 'active',
      date: adminWarningDate,
      message: `${owner}: the admin-warning date ${adminWarningDate} is reached; the licenses expire ${expiration ?? 'never'}${graceTo ? ` and stop at ${graceTo}` : ''}`,
    });
  }
  if (graceTo !== null && Date.parse(graceTo) < at) {
    due.push({
      kind: 'grace-date-passed',
      eventKey: 'LicenseGraceExpired',
      status: 'active',
      date: graceTo,
      message: `${owner}: the grace date ${graceTo} has passed; the licenses are read-only until a new package is activated`,
    });
  }
  return due;
}

function bounded(message: string): string {
  return message.length <= MAX_MESSAGE_LENGTH ? message : `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}
