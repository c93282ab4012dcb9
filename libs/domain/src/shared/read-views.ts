import type { RejectionReason } from '../ledger/package-review';
import type { InvoiceLine } from '../metering/metering.events';
import type { SystemEventStatus } from '../system-events/system-event-keys';

/**
 * The shapes the read models answer in, beyond the ledger's views (`ledger.views.ts`): the projections produce them,
 * the application's read ports name them, the API serves them. Plain data, no behaviour.
 */

/** A page of a listing; pass `nextCursor` as `cursor` for the next page (null on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** One tenant of the cross-tenant listing. */
export interface TenantSummary {
  tenantId: string;
  owners: string[];
  planHolders: number;
}

/** One activation or rejection of a tenant's package history. */
export interface PackageHistoryEntry {
  outcome: 'activated' | 'rejected';
  packageId: string;
  owner: string;
  sequence: number;
  /** The command's time (activatedAt or rejectedAt). */
  at: string;
  /** Who sent the package: the actor in the event's metadata. */
  actor: string | null;
  reasons: RejectionReason[];
  companyName: string | null;
  serialNumber: string | null;
  position: string;
}

/** A metering month's figures against its thresholds. */
export interface MeteringMonthView {
  month: string;
  users: number;
  closed: boolean;
  services: InvoiceLine[];
  /** Late usage of earlier, closed months, carried onto this month's invoice. */
  adjustments: InvoiceLine[];
}

/** One row of the Status tab's feed: Event, Status, Message, Activated, Activated by, Finished, Type (scope), owner. */
export interface SystemEventFeedItem {
  eventKey: string;
  status: SystemEventStatus;
  message: string;
  activatedAt: string;
  activatedBy: string;
  finishedAt: string | null;
  scope: number;
  owner: string | null;
  eta: string | null;
  updatedAt: string;
  sequence: number;
}

export type SystemEventFeedPage = Page<SystemEventFeedItem>;
