import type {
  HoldersView,
  LicenseListView,
  MeteringMonthView,
  PackageHistoryEntry,
  Page,
  StatusView,
  SystemEventFeedItem,
  SystemEventFeedPage,
  SystemEventKey,
  SystemEventStatus,
  TenantSummary,
  UserLicensesView,
} from '@app/domain';
import type { Position } from '@app/event-store';

/**
 * The read side as the application's queries see it. The application declares these ports; the composition root
 * binds them to the projections' query objects (which answer in the domain's view shapes), so the application
 * never imports a projection or a read-model store.
 */

/** The read models a query may wait for, by their logical names; the composition root maps them to projections. */
export type ReadModelName =
  | 'license-list'
  | 'user-licenses'
  | 'status'
  | 'metering-totals'
  | 'system-events-feed'
  | 'tenant-directory'
  | 'package-history';

/** Where the read models stand: read-your-writes waits on it (`?minPosition=`). */
export interface ReadModelProgress {
  /** Resolves true once every named read model has taken `position` into account, false after `timeoutMs`. */
  waitFor(readModels: readonly ReadModelName[], position: Position, timeoutMs: number): Promise<boolean>;
  /** Why the projections stopped, if they failed in this process. */
  readonly failed: unknown;
}
export const READ_MODEL_PROGRESS = Symbol('READ_MODEL_PROGRESS');

export interface LedgerReadModel {
  licenseList(tenant: string): Promise<LicenseListView | null>;
  /** Null when the owner has no such license. */
  holders(tenant: string, module: string, owner: string): Promise<HoldersView | null>;
  userLicenses(tenant: string, userId: string, owner: string): Promise<UserLicensesView>;
  status(tenant: string): Promise<StatusView | null>;
  /** Every tenant with an activated package, by tenant id; null when `cursor` is not one this listing handed out. */
  tenants(options: { limit: number; cursor?: string }): Promise<Page<TenantSummary> | null>;
}
export const LEDGER_READ_MODEL = Symbol('LEDGER_READ_MODEL');

export interface MeteringReadModel {
  month(tenant: string, month: string): Promise<MeteringMonthView>;
  /** Every month with usage, oldest first. */
  months(tenant: string): Promise<MeteringMonthView[]>;
}
export const METERING_READ_MODEL = Symbol('METERING_READ_MODEL');

/** What the tenant directory knows of a tenant beyond its licenses: the licensee and its last activity. */
export interface TenantDirectoryEntry {
  companyName: string | null;
  serialNumber: string | null;
  lastActivityAt: string;
  lastPosition: string;
}

export interface ConsoleReadModel {
  /** The directory entries of these tenants, by tenant id. */
  directory(tenantIds: string[]): Promise<Map<string, TenantDirectoryEntry>>;
  /** Newest first; null when `cursor` is not one this list handed out. */
  packages(tenant: string, options: { limit: number; cursor?: string }): Promise<Page<PackageHistoryEntry> | null>;
}
export const CONSOLE_READ_MODEL = Symbol('CONSOLE_READ_MODEL');

export interface SystemEventsReadModel {
  /** Newest first; null when `cursor` is not one this feed handed out. */
  feed(
    tenant: string,
    options: { status?: SystemEventStatus; limit: number; cursor?: string },
  ): Promise<SystemEventFeedPage | null>;
  /** The live event with this (eventKey, scope, owner), or null. */
  live(tenant: string, key: SystemEventKey): Promise<SystemEventFeedItem | null>;
}
export const SYSTEM_EVENTS_READ_MODEL = Symbol('SYSTEM_EVENTS_READ_MODEL');
