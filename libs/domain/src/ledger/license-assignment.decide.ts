import { refuse } from '../shared/decider';
import { holdingsAround, newlyHeld } from './assignment-outcome';
import type { LedgerRefusal, LicenseTarget } from './ledger.decide';
import {
  ActiveLedger,
  Holding,
  holdingOf,
  inUse,
  LedgerEvent,
  ModuleLicense,
  OwnerLicenses,
  ReleaseReason,
} from './ledger.events';

/**
 * The ledger's rules for giving and taking user licenses: the cap, plans and what they imply, prerequisites, and
 * deactivation. `decideLedger` (ledger.decide.ts) routes the commands of an active ledger here.
 */

export function decideAssign(state: ActiveLedger, target: LicenseTarget, at: string): LedgerEvent[] | LedgerRefusal {
  const found = findLicense(state, target);
  if ('kind' in found) return found;
  const { owner, license } = found;
  const { userId } = target;
  if (license.type !== 3) {
    return refuse(
      'not-a-user-license',
      `${license.name} is not a user license (type ${license.type}); only user licenses are assigned`,
      { module: license.name },
    );
  }
  if (state.inactiveUsers[userId]) return refuse('user-inactive', `user ${userId} is deactivated`, { userId });
  if (owner.dates.graceTo && Date.parse(at) > Date.parse(owner.dates.graceTo)) {
    return refuse(
      'grace-period-ended',
      `the licenses of ${owner.name} ended at ${owner.dates.graceTo}; nothing more may be assigned`,
      {
        owner: owner.name,
        graceTo: owner.dates.graceTo,
      },
    );
  }
  const events = license.isPlan
    ? assignPlan(state, owner, license, userId, at)
    : assignModule(state, owner, license, userId, at);
  if ('kind' in events) return events;
  const { before, after } = holdingsAround(state, owner.name, userId, events);
  for (const module of newlyHeld(before, after)) {
    const newLicense = owner.modules[module];
    const used = inUse(state, owner.name, module);
    if (newLicense && !newLicense.unrestricted && used + 1 > newLicense.number) {
      return refuse('cap-exceeded', `all ${newLicense.number} ${module} licenses are in use`, {
        module,
        number: newLicense.number,
        inUse: used,
      });
    }
  }
  for (const module of newlyHeld(before, after)) {
    const prerequisite = owner.modules[module]?.prerequisite;
    if (prerequisite && !after.has(prerequisite)) {
      return refuse('prerequisite-missing', `${module} needs ${prerequisite}, which user ${userId} does not hold`, {
        module,
        prerequisite,
      });
    }
  }
  return prerequisitesKept(owner, userId, after) ?? events;
}

function assignModule(
  state: ActiveLedger,
  owner: OwnerLicenses,
  license: ModuleLicense,
  userId: string,
  at: string,
): LedgerEvent[] | LedgerRefusal {
  if (holdingOf(state, owner.name, license.name, userId)?.explicit) {
    return refuse('already-assigned', `user ${userId} already holds ${license.name}`, { module: license.name, userId });
  }
  return [
    { type: 'LicenseAssigned', data: { owner: owner.name, module: license.name, userId, source: 'explicit', at } },
  ];
}

/** A user holds at most one plan per owner: assigning another swaps the plan and its implied licenses in one step. */
function assignPlan(
  state: ActiveLedger,
  owner: OwnerLicenses,
  plan: ModuleLicense,
  userId: string,
  at: string,
): LedgerEvent[] | LedgerRefusal {
  const current = state.plans[owner.name]?.[userId];
  if (current === plan.name) {
    return refuse('already-assigned', `user ${userId} already holds plan ${plan.name}`, { module: plan.name, userId });
  }
  const events: LedgerEvent[] = current ? releasePlan(state, owner, current, userId, 'plan-switched', at) : [];
  events.push({
    type: 'LicenseAssigned',
    data: { owner: owner.name, module: plan.name, userId, source: 'explicit', isPlan: true, at },
  });
  for (const implied of plan.implies) {
    events.push({
      type: 'LicenseAssigned',
      data: { owner: owner.name, module: implied, userId, source: 'plan', plan: plan.name, at },
    });
  }
  return events;
}

function releasePlan(
  state: ActiveLedger,
  owner: OwnerLicenses,
  plan: string,
  userId: string,
  reason: ReleaseReason,
  at: string,
): LedgerEvent[] {
  const events: LedgerEvent[] = [
    {
      type: 'LicenseReleased',
      data: { owner: owner.name, module: plan, userId, source: 'explicit', isPlan: true, reason, at },
    },
  ];
  for (const [module, holders] of Object.entries(state.holdings[owner.name] ?? {})) {
    if (holders[userId]?.plan === plan) {
      events.push({
        type: 'LicenseReleased',
        data: { owner: owner.name, module, userId, source: 'plan', plan, reason, at },
      });
    }
  }
  return events;
}

export function decideUnassign(state: ActiveLedger, target: LicenseTarget, at: string): LedgerEvent[] | LedgerRefusal {
  const found = findLicense(state, target);
  if ('kind' in found) return found;
  const { owner, license } = found;
  const { userId } = target;
  const holding = holdingOf(state, owner.name, license.name, userId);
  if (!holding)
    return refuse('not-held', `user ${userId} does not hold ${license.name}`, { module: license.name, userId });
  let events: LedgerEvent[];
  if (license.isPlan && state.plans[owner.name]?.[userId] === license.name) {
    events = releasePlan(state, owner, license.name, userId, 'plan-released', at);
  } else if (!holding.explicit) {
    return refuse('implied-by-plan', `${license.name} comes with plan ${holding.plan}; release the plan instead`, {
      module: license.name,
      plan: holding.plan,
    });
  } else {
    events = [
      {
        type: 'LicenseReleased',
        data: { owner: owner.name, module: license.name, userId, source: 'explicit', reason: 'unassigned', at },
      },
    ];
  }
  const { after } = holdingsAround(state, owner.name, userId, events);
  return prerequisitesKept(owner, userId, after) ?? events;
}

/** Deactivation releases everything the user holds, with every owner, then marks the user inactive. */
export function decideDeactivate(state: ActiveLedger, userId: string, at: string): LedgerEvent[] | LedgerRefusal {
  if (state.inactiveUsers[userId]) return [];
  const events: LedgerEvent[] = [];
  for (const [owner, byModule] of Object.entries(state.holdings)) {
    const plan = state.plans[owner]?.[userId];
    for (const [module, holders] of Object.entries(byModule)) {
      const holding = holders[userId];
      if (!holding) continue;
      const reason: ReleaseReason = 'user-deactivated';
      if (holding.explicit) {
        events.push({
          type: 'LicenseReleased',
          data: { owner, module, userId, source: 'explicit', isPlan: module === plan || undefined, reason, at },
        });
      }
      if (holding.plan) {
        events.push({
          type: 'LicenseReleased',
          data: { owner, module, userId, source: 'plan', plan: holding.plan, reason, at },
        });
      }
    }
  }
  events.push({ type: 'UserDeactivated', data: { userId, at } });
  return events;
}

/** Every license the user keeps must keep its prerequisite. */
function prerequisitesKept(
  owner: OwnerLicenses,
  userId: string,
  after: Map<string, Holding>,
): LedgerRefusal | undefined {
  for (const module of after.keys()) {
    const prerequisite = owner.modules[module]?.prerequisite;
    if (prerequisite && !after.has(prerequisite)) {
      return refuse(
        'prerequisite-in-use',
        `${module} of user ${userId} needs ${prerequisite}; release ${module} first`,
        {
          module: prerequisite,
          requiredBy: module,
        },
      );
    }
  }
  return undefined;
}

function findLicense(
  state: ActiveLedger,
  { owner, module }: LicenseTarget,
): { owner: OwnerLicenses; license: ModuleLicense } | LedgerRefusal {
  const ownerLicenses = state.owners[owner];
  if (!ownerLicenses) return refuse('unknown-owner', `no license package of owner ${owner} is active`, { owner });
  const license = ownerLicenses.modules[module];
  if (!license) return refuse('unknown-module', `owner ${owner} has no license ${module}`, { owner, module });
  return { owner: ownerLicenses, license };
}
