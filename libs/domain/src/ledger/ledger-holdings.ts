import type { Holding, LedgerState } from './ledger.events';

/** Who holds what, read from the ledger state (by the decider, the views and the package review). */

/** The holders of each module of an owner (none before any package). */
export function holdingsOf(state: LedgerState, owner: string): Record<string, Record<string, Holding>> {
  return state.status === 'active' ? (state.holdings[owner] ?? {}) : {};
}

export function holdingOf(state: LedgerState, owner: string, module: string, userId: string): Holding | undefined {
  return holdingsOf(state, owner)[module]?.[userId];
}

export function holdersOf(state: LedgerState, owner: string, module: string): string[] {
  return Object.keys(holdingsOf(state, owner)[module] ?? {});
}

/** How many users hold the license: O(1), from the count evolve keeps. */
export function inUse(state: LedgerState, owner: string, module: string): number {
  return state.status === 'active' ? (state.holderCounts[owner]?.[module] ?? 0) : 0;
}

/** The modules of an owner that a user holds, by either source. */
export function modulesHeldBy(state: LedgerState, owner: string, userId: string): string[] {
  const byModule = holdingsOf(state, owner);
  return Object.keys(byModule).filter((module) => byModule[module][userId] !== undefined);
}
