import { holdersOf, inUse, LedgerState, modulesHeldBy, ModuleLicense } from './ledger.events';

/**
 * The dashboards' answers computed straight from the ledger state. Projections maintain the same answers
 * incrementally; these functions are the reference they are tested against, and what a replay as of a moment
 * (audit) answers.
 */

export const DEFAULT_OWNER = 'SUPEROFFICE';

export interface LicenseView {
  module: string;
  description: string;
  type: number;
  number: number;
  inUse: number;
  free: number;
  unrestricted: boolean;
  hidden: boolean;
  isPlan: boolean;
  implies: string[];
  overAllocated: boolean;
}

export interface OwnerView {
  name: string;
  description: string;
  companyName: string;
  serialNumber: string;
  databaseType: string;
  expiration: string | null;
  graceTo: string | null;
  licenses: LicenseView[];
}

export interface LicenseListView {
  owners: OwnerView[];
}

export interface HoldersView {
  module: string;
  holders: string[];
}

export interface UserLicensesView {
  userId: string;
  active: boolean;
  plan: string | null;
  modules: string[];
}

export interface StatusView {
  database: {
    owner: string | null;
    serialNumber: string | null;
    databaseType: string | null;
    nextExpiry: string | null;
  };
  userCount: { byLicenses: { user: number | null; web: number | null }; byPlansInUse: number };
}

export function licenseView(license: ModuleLicense, used: number): LicenseView {
  return {
    module: license.name,
    description: license.description,
    type: license.type,
    number: license.number,
    inUse: used,
    free: license.number - used,
    unrestricted: license.unrestricted,
    hidden: license.hidden,
    isPlan: license.isPlan,
    implies: [...license.implies],
    overAllocated: used > license.number,
  };
}

/** Licenses in the order of the admin screen: sortOrder, then name. */
export function byScreenOrder(a: { sortOrder: number; name: string }, b: { sortOrder: number; name: string }): number {
  return a.sortOrder - b.sortOrder || a.name.localeCompare(b.name);
}

export function licenseListView(state: LedgerState): LicenseListView {
  if (state.status !== 'active') return { owners: [] };
  const owners = Object.values(state.owners)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((owner) => ({
      name: owner.name,
      description: owner.description,
      companyName: owner.companyName,
      serialNumber: owner.serialNumber,
      databaseType: owner.databaseType,
      expiration: owner.dates.expiration,
      graceTo: owner.dates.graceTo,
      licenses: Object.values(owner.modules)
        .sort(byScreenOrder)
        .map((license) => licenseView(license, inUse(state, owner.name, license.name))),
    }));
  return { owners };
}

export function holdersView(state: LedgerState, owner: string, module: string): HoldersView {
  return { module, holders: holdersOf(state, owner, module).sort() };
}

export function userLicensesView(state: LedgerState, userId: string, owner = DEFAULT_OWNER): UserLicensesView {
  if (state.status !== 'active') return { userId, active: true, plan: null, modules: [] };
  return {
    userId,
    active: !state.inactiveUsers[userId],
    plan: state.plans[owner]?.[userId] ?? null,
    modules: modulesHeldBy(state, owner, userId).sort(),
  };
}

/**
 * Counting method 2: the active users who hold a plan of any owner; metering thresholds grow with it. The count
 * evolve keeps, O(1) for every usage request; none before a package.
 */
export function activePlanHolders(state: LedgerState): number {
  return state.status === 'active' ? state.activePlanHolders : 0;
}

/** What metering needs to know of the ledger: the users counted for thresholds, and since when the tenant exists. */
export function meteringLedgerFacts(state: LedgerState): { activeUsers: number; tenantSince: string | null } {
  return { activeUsers: activePlanHolders(state), tenantSince: state.status === 'active' ? state.tenantSince : null };
}

export function statusView(state: LedgerState): StatusView {
  if (state.status !== 'active') {
    return {
      database: { owner: null, serialNumber: null, databaseType: null, nextExpiry: null },
      userCount: { byLicenses: { user: null, web: null }, byPlansInUse: 0 },
    };
  }
  const main =
    state.owners[DEFAULT_OWNER] ?? Object.values(state.owners).sort((a, b) => a.name.localeCompare(b.name))[0];
  const expiries = Object.values(state.owners)
    .map((owner) => owner.dates.expiration)
    .filter((date): date is string => date !== null)
    .sort();
  const numberOf = (module: string) => state.owners[DEFAULT_OWNER]?.modules[module]?.number ?? null;
  return {
    database: {
      owner: main?.name ?? null,
      serialNumber: main?.serialNumber ?? null,
      databaseType: main?.databaseType ?? null,
      nextExpiry: expiries[0] ?? null,
    },
    userCount: { byLicenses: { user: numberOf('user'), web: numberOf('web') }, byPlansInUse: activePlanHolders(state) },
  };
}
