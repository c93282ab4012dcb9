import { noneIfEmpty, textOf } from './license-package';
import type { LicensePackage, LicenseType, ModuleRow, PackageDates } from './license-package';
import type { RejectionReason } from './package-review';

/**
 * The ledger of one tenant: its license owners with their active packages, who holds which license, and which
 * users are active. One stream per tenant (`ledger-{tenant}`).
 */

/** Why a user holds a license: assigned on its own, or implied by the user's plan (its `set=`). */
export type HoldingSource = 'explicit' | 'plan';

export type ReleaseReason = 'unassigned' | 'plan-released' | 'plan-switched' | 'user-deactivated';

export type LedgerEvent =
  | {
      type: 'LicensePackageActivated';
      /** The whole signed package, so that an auditor can verify its signatures again at any time. */
      data: { tenantId: string; package: LicensePackage; certificateFingerprint: string | null; activatedAt: string };
    }
  | {
      type: 'LicensePackageRejected';
      data: {
        tenantId: string;
        packageId: string;
        owner: string;
        sequence: number;
        reasons: RejectionReason[];
        rejectedAt: string;
      };
    }
  | {
      type: 'LicenseAssigned';
      /** `plan` names the plan that implies the license (source `plan`); `isPlan` marks the plan itself. */
      data: { owner: string; module: string; userId: string; source: HoldingSource; plan?: string; isPlan?: boolean; at: string };
    }
  | {
      type: 'LicenseReleased';
      data: {
        owner: string;
        module: string;
        userId: string;
        source: HoldingSource;
        plan?: string;
        isPlan?: boolean;
        reason: ReleaseReason;
        at: string;
      };
    }
  | { type: 'UserDeactivated'; data: { userId: string; at: string } }
  | { type: 'UserReactivated'; data: { userId: string; at: string } };

export type LedgerEventType = LedgerEvent['type'];
export const LEDGER_EVENT_TYPES: readonly LedgerEventType[] = [
  'LicensePackageActivated',
  'LicensePackageRejected',
  'LicenseAssigned',
  'LicenseReleased',
  'UserDeactivated',
  'UserReactivated',
];

export interface ModuleLicense {
  name: string;
  description: string;
  tooltip: string;
  version: string;
  type: LicenseType;
  number: number;
  unrestricted: boolean;
  hidden: boolean;
  isPlan: boolean;
  /** For a plan: the licenses of its `set=`. */
  implies: string[];
  prerequisite: string | null;
  sortOrder: number;
}

export interface OwnerLicenses {
  name: string;
  description: string;
  companyName: string;
  serialNumber: string;
  databaseType: string;
  dates: PackageDates;
  packageId: string;
  sequence: number;
  modules: Record<string, ModuleLicense>;
}

export interface Holding {
  explicit: boolean;
  /** The plan that implies this license, if any. */
  plan: string | null;
}

export interface LedgerState {
  tenantId: string | null;
  /** When the tenant's first package was activated: from then on the tenant exists. */
  tenantSince: string | null;
  owners: Record<string, OwnerLicenses>;
  /** holdings[owner][module][userId]; a user holds a license while either source is present. */
  holdings: Record<string, Record<string, Record<string, Holding>>>;
  /** plans[owner][userId] = the plan module the user holds (at most one per owner). */
  plans: Record<string, Record<string, string>>;
  inactiveUsers: Record<string, true>;
  /**
   * Derived counts, kept by evolve so that a decision never counts a tenant's users (issue 15: counting the keys
   * of `holdings[owner][module]` made every assignment linear in the number of holders).
   * holderCounts[owner][module] = the number of keys of holdings[owner][module].
   */
  holderCounts: Record<string, Record<string, number>>;
  /** Active users holding at least one plan, of any owner (counting method 2). */
  activePlanHolders: number;
}

export function initialLedgerState(): LedgerState {
  return { tenantId: null, tenantSince: null, owners: {}, holdings: {}, plans: {}, inactiveUsers: {}, holderCounts: {}, activePlanHolders: 0 };
}

/**
 * Folds one event into the state. It updates the state it is given and returns it, so that replaying a stream of
 * any length stays linear: a caller never keeps a state it has passed to evolve (decide never calls evolve).
 */
export function evolveLedger(state: LedgerState, event: LedgerEvent): LedgerState {
  switch (event.type) {
    case 'LicensePackageActivated': {
      const owner = ownerFromPackage(event.data.package);
      state.tenantId = event.data.tenantId;
      state.tenantSince ??= event.data.activatedAt;
      state.owners[owner.name] = owner;
      return state;
    }
    case 'LicensePackageRejected':
      return state;
    case 'LicenseAssigned': {
      const { owner, module, userId, source, plan, isPlan } = event.data;
      const holders = ((state.holdings[owner] ??= {})[module] ??= {});
      let holding = holders[userId];
      if (!holding) {
        holding = holders[userId] = { explicit: false, plan: null };
        countHolder(state, owner, module, +1);
      }
      if (source === 'explicit') holding.explicit = true;
      else holding.plan = plan ?? null;
      if (isPlan) {
        const hadPlan = holdsAnyPlan(state, userId);
        (state.plans[owner] ??= {})[userId] = module;
        if (!hadPlan && !state.inactiveUsers[userId]) state.activePlanHolders++;
      }
      return state;
    }
    case 'LicenseReleased': {
      const { owner, module, userId, source, isPlan } = event.data;
      const holders = state.holdings[owner]?.[module];
      const holding = holders?.[userId];
      if (holders && holding) {
        if (source === 'explicit') holding.explicit = false;
        else holding.plan = null;
        if (!holding.explicit && !holding.plan) {
          delete holders[userId];
          countHolder(state, owner, module, -1);
        }
      }
      if (isPlan && state.plans[owner]?.[userId] === module) {
        delete state.plans[owner][userId];
        if (!holdsAnyPlan(state, userId) && !state.inactiveUsers[userId]) state.activePlanHolders--;
      }
      return state;
    }
    case 'UserDeactivated': {
      const { userId } = event.data;
      if (!state.inactiveUsers[userId] && holdsAnyPlan(state, userId)) state.activePlanHolders--;
      state.inactiveUsers[userId] = true;
      return state;
    }
    case 'UserReactivated': {
      const { userId } = event.data;
      if (state.inactiveUsers[userId] && holdsAnyPlan(state, userId)) state.activePlanHolders++;
      delete state.inactiveUsers[userId];
      return state;
    }
  }
}

export function holdingOf(state: LedgerState, owner: string, module: string, userId: string): Holding | undefined {
  return state.holdings[owner]?.[module]?.[userId];
}

export function holdersOf(state: LedgerState, owner: string, module: string): string[] {
  return Object.keys(state.holdings[owner]?.[module] ?? {});
}

/** How many users hold the license: O(1), from the count evolve keeps. */
export function inUse(state: LedgerState, owner: string, module: string): number {
  return state.holderCounts[owner]?.[module] ?? 0;
}

function countHolder(state: LedgerState, owner: string, module: string, delta: 1 | -1): void {
  const counts = (state.holderCounts[owner] ??= {});
  counts[module] = (counts[module] ?? 0) + delta;
}

/** Whether the user holds a plan of any owner: O(owners), a handful. */
function holdsAnyPlan(state: LedgerState, userId: string): boolean {
  for (const owner in state.plans) if (state.plans[owner][userId] !== undefined) return true;
  return false;
}

/** The modules of an owner that a user holds, by either source. */
export function modulesHeldBy(state: LedgerState, owner: string, userId: string): string[] {
  const byModule = state.holdings[owner] ?? {};
  return Object.keys(byModule).filter((module) => byModule[module][userId] !== undefined);
}

/** Parses a plan's `extraInfo` (`set=user,web,chat-cal`, possibly among other `;`-separated keys). */
export function impliedModules(extraInfo: string): string[] {
  const set = extraInfo
    .split(/[;&]/)
    .map((part) => part.trim())
    .find((part) => part.startsWith('set='));
  if (!set) return [];
  return set
    .slice(4)
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}

export function moduleFromRow(row: ModuleRow): ModuleLicense {
  const isPlan = row.extraFlags === 1;
  return {
    name: row.name,
    description: textOf(row.description),
    tooltip: textOf(row.tooltip),
    version: textOf(row.version),
    type: row.type,
    number: row.number,
    unrestricted: row.unrestricted,
    hidden: row.hidden,
    isPlan,
    implies: isPlan ? impliedModules(textOf(row.extraInfo)).filter((name) => name !== row.name) : [],
    prerequisite: noneIfEmpty(row.prerequisite),
    sortOrder: row.sortOrder,
  };
}

function ownerFromPackage(pkg: LicensePackage): OwnerLicenses {
  return {
    name: pkg.owner.name,
    description: textOf(pkg.owner.description),
    companyName: pkg.licensee.companyName,
    serialNumber: pkg.licensee.serialNumber,
    databaseType: textOf(pkg.licensee.databaseType),
    dates: pkg.dates,
    packageId: pkg.packageId,
    sequence: pkg.sequence,
    modules: Object.fromEntries(pkg.modules.map((row) => [row.name, moduleFromRow(row)])),
  };
}
