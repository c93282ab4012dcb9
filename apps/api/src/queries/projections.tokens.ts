import { PROJECTION_POSITIONS } from '@app/projections';

export { PROJECTION_POSITIONS };
export type { ProjectionPositions } from '@app/projections';

/** @deprecated The name queries injected the projection positions by before the projector existed; use PROJECTION_POSITIONS. */
export const PROJECTION_ENGINE = PROJECTION_POSITIONS;
export const LEDGER_QUERIES = Symbol('LEDGER_QUERIES');
