import type { Position } from '@app/event-store';
import { ProblemException } from '../problem/problem';

/**
 * The `?minPosition=` of a query (read-your-writes: the position a command answered), or undefined when absent; 400
 * when it is not a position. The wait itself is the application's (`ReadYourWrites`).
 */
export function parseMinPosition(minPosition: string | undefined): Position | undefined {
  if (minPosition === undefined) return undefined;
  if (!/^\d{1,19}$/.test(minPosition)) {
    throw ProblemException.of(400, 'bad-request', 'Bad request', 'minPosition must be a non-negative integer', {
      errors: [{ field: 'minPosition', messages: ['must be a non-negative integer'] }],
    });
  }
  return BigInt(minPosition);
}
