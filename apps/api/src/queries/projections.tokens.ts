import type { Position } from '@app/event-store';

export const PROJECTION_ENGINE = Symbol('PROJECTION_ENGINE');
export const LEDGER_QUERIES = Symbol('LEDGER_QUERIES');
export const METERING_QUERIES = Symbol('METERING_QUERIES');

/** What a query needs to honour ?minPosition=: a bounded wait for named projections to reach a position. */
export interface ProjectionPositions {
  waitFor(names: readonly string[], position: Position, timeoutMs: number): Promise<boolean>;
  readonly failed: unknown;
}
