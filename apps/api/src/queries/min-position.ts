import type { Position } from '@app/event-store';
import { ProblemException } from '../problem/problem';
import type { ProjectionPositions } from './projections.tokens';

/**
 * Read-your-writes: a caller passes the position a command answered, and the query waits until the projections it
 * reads have reached it — a bounded time, then 503, never a stale answer presented as current.
 */
export async function awaitMinPosition(
  positions: ProjectionPositions,
  projections: readonly string[],
  minPosition: string | undefined,
  timeoutMs: number,
): Promise<void> {
  const position = parseMinPosition(minPosition);
  if (position === undefined) return;
  const reached = await positions.waitFor(projections, position, timeoutMs);
  if (reached) return;
  if (positions.failed) {
    throw ProblemException.of(
      503,
      'projection-failed',
      'Read model stopped',
      'a projection failed and stopped; see the service log',
    );
  }
  throw ProblemException.of(
    503,
    'read-model-behind',
    'Read model behind',
    `the read model did not reach position ${minPosition} within ${timeoutMs} ms; retry`,
    {
      minPosition,
    },
  );
}

/** The `?minPosition=` of a query, or undefined when absent; 400 when it is not a position. */
export function parseMinPosition(minPosition: string | undefined): Position | undefined {
  if (minPosition === undefined) return undefined;
  if (!/^\d{1,19}$/.test(minPosition)) {
    throw ProblemException.of(400, 'bad-request', 'Bad request', 'minPosition must be a non-negative integer', {
      errors: [{ field: 'minPosition', messages: ['must be a non-negative integer'] }],
    });
  }
  return BigInt(minPosition);
}
