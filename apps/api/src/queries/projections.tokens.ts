import { PROJECTION_POSITIONS } from '@app/projections';

export { PROJECTION_POSITIONS };
export type { ProjectionPositions } from '@app/projections';

export const LEDGER_QUERIES = Symbol('LEDGER_QUERIES');
export const METERING_QUERIES = Symbol('METERING_QUERIES');
export const CONSOLE_QUERIES = Symbol('CONSOLE_QUERIES');
