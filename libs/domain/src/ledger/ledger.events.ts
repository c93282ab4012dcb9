import type { LicensePackage, LicenseType, PackageDates } from './license-package';
import { ownerFromPackage } from './package-licenses';
import type { RejectionReason } from './package-review';

// Readers of the state and the package→licenses mapping live beside this file; importable from here as they were.
export { holdersOf, holdingOf, holdingsOf, inUse, modulesHeldBy } from './ledger-holdings';
export { impliedModules, moduleFromRow } from './package-licenses';

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
      data: {
        owner: string;
        module: string;
        userId: string;
        source: HoldingSource;
        plan?: string;
        isPlan?: boolean;
        at: string;
      };
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

/** A tenant for whom no license package has been activated yet: nothing can be assigned, nobody deactivated. */
export interface NoPackageYet {
  status: 'no-package';
}

/** A tenant with at least one active license package. */
export interface ActiveLedger {
  status: 'active';
  tenantId: string;
  /** When the tenant's first package was activated: from then on the tenant exists. */
  tenantSince: string;
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

export type LedgerState = NoPackageYet | ActiveLedger;

export function initialLedgerState(): LedgerState {
  return { status: 'no-package' };
}

/**
 * Folds one event into the state, keeping the mutation contract written on `Decider`: an active ledger is updated in
 * place and returned, so that replaying a stream of any length stays linear.
 */
export function evolveLedger(state: LedgerState, event: LedgerEvent): LedgerState {
  if (event.type === 'LicensePackageRejected') return state;
  if (event.type === 'LicensePackageActivated') {
    const owner = ownerFromPackage(event.data.package);
    const active: ActiveLedger =
      state.status === 'active'
        ? state
        : {
            status: 'active',
            tenantId: event.data.tenantId,
            tenantSince: event.data.activatedAt,
            owners: {},
            holdings: {},
            plans: {},
            inactiveUsers: {},
            holderCounts: {},
            activePlanHolders: 0,
          };
    active.tenantId = event.data.tenantId;
    active.owners[owner.name] = owner;
    return active;
  }
  // The decider refuses every other command until a package is active: such an event is a broken history.
  if (state.status !== 'active') throw new Error(`ledger: ${event.type} before any license package was activated`);
  switch (event.type) {
    case 'LicenseAssigned':
    case 'LicenseReleased': {
      const { owner, module, userId, isPlan } = event.data;
      const holders = ((state.holdings[owner] ??= {})[module] ??= {});
      const before = holders[userId];
      const holding = holdingAfter(before, event);
      if (holding) holders[userId] = holding;
      else delete holders[userId];
      if (!before && holding) countHolder(state, owner, module, 1);
      if (before && !holding) countHolder(state, owner, module, -1);
      if (isPlan) evolvePlan(state, owner, module, userId, event.type === 'LicenseAssigned');
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

/**
 * The holding transition, written once: why a user holds a license after it is assigned or released by one source
 * (explicitly, or by a plan), given why they held it before. Undefined: they no longer hold it. Never changes
 * `before`. The decider, the evolve above and the license projections all go through it.
 */
export function holdingAfter(before: Holding | undefined, event: HoldingEvent): Holding | undefined {
  const assigned = event.type === 'LicenseAssigned';
  const holding: Holding = { explicit: before?.explicit ?? false, plan: before?.plan ?? null };
  if (event.data.source === 'explicit') holding.explicit = assigned;
  else holding.plan = assigned ? (event.data.plan ?? null) : null;
  return holding.explicit || holding.plan !== null ? holding : undefined;
}

/** The events that change who holds a license. */
export type HoldingEvent = Extract<LedgerEvent, { type: 'LicenseAssigned' | 'LicenseReleased' }>;

export const isHoldingEvent = (event: LedgerEvent): event is HoldingEvent =>
  event.type === 'LicenseAssigned' || event.type === 'LicenseReleased';

function countHolder(state: ActiveLedger, owner: string, module: string, delta: 1 | -1): void {
  const counts = (state.holderCounts[owner] ??= {});
  counts[module] = (counts[module] ?? 0) + delta;
}

/** The user's plan of an owner assigned or released, keeping `activePlanHolders` (active users with any plan). */
function evolvePlan(state: ActiveLedger, owner: string, module: string, userId: string, assigned: boolean): void {
  const hadPlan = holdsAnyPlan(state, userId);
  if (assigned) (state.plans[owner] ??= {})[userId] = module;
  else if (state.plans[owner]?.[userId] === module) delete state.plans[owner][userId];
  else return;
  const hasPlan = assigned || holdsAnyPlan(state, userId);
  if (state.inactiveUsers[userId] || hadPlan === hasPlan) return;
  state.activePlanHolders += hasPlan ? 1 : -1;
}

/** Whether the user holds a plan of any owner: O(owners), a handful. */
function holdsAnyPlan(state: ActiveLedger, userId: string): boolean {
  for (const owner in state.plans) if (state.plans[owner][userId] !== undefined) return true;
  return false;
}
