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
  if (minPosition === undefined) return;
  if (!/^\d{1,19}$/.test(minPosition)) {
    throw ProblemException.of(400, 'bad-request', 'Bad request', 'minPosition must be a non-negative integer', {
      errors: [{ field: 'minPosition', messages: ['must be a non-negative integer'] }],
    });
  }
  const reached = await positions.waitFor(projections, BigInt(minPosition), timeoutMs);
  if (reached) return;
  if (positions.failed) {
    throw ProblemException.of(503, 'projection-failed', 'Read model stopped', 'a projection failed and stopped; see the service log');
  }
  throw ProblemException.of(503, 'read-model-behind', 'Read model behind', `the read model did not reach position ${minPosition} within ${timeoutMs} ms; retry`, {
    minPosition,
  });
}
