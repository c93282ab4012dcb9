import type { Position } from '@app/event-store';

/**
 * Why a query could not answer read-your-writes (`minPosition`): the API answers each with a 503, never with a stale
 * answer presented as current.
 */

/** The read models (or the notices that feed one) did not reach the position in time: worth a retry. */
export class ReadModelBehindError extends Error {
  constructor(
    /** `read model`, or `notices` when the feed's notice process managers were still behind. */
    readonly behind: 'read model' | 'notices',
    readonly position: Position,
    readonly timeoutMs: number,
  ) {
    super(`the ${behind} did not reach position ${position} within ${timeoutMs} ms; retry`);
    this.name = 'ReadModelBehindError';
  }
}

/** A projection failed and stopped in this process: waiting longer will not help. */
export class ProjectionFailedError extends Error {
  constructor() {
    super('a projection failed and stopped; see the service log');
    this.name = 'ProjectionFailedError';
  }
}

/** A notice process manager failed and stopped in this process. */
export class NoticesFailedError extends Error {
  constructor() {
    super('a notice process manager failed and stopped; see the service log');
    this.name = 'NoticesFailedError';
  }
}
