import { MOMENT_FORMAT, parseMoment } from '@app/audit';
import { ProblemException } from '../../problem/problem';

/** Query parameters of the audit routes, refused with problem+json naming the field. */

export const DEFAULT_EVENTS_LIMIT = 100;
export const MAX_EVENTS_LIMIT = 1000;

export function fromPositionParam(raw: string | undefined): bigint {
  if (raw === undefined) return 0n;
  if (!/^\d{1,19}$/.test(raw)) throw invalid('fromPosition', 'must be a non-negative integer');
  return BigInt(raw);
}

export function limitParam(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_EVENTS_LIMIT;
  const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= MAX_EVENTS_LIMIT))
    throw invalid('limit', `must be an integer from 1 to ${MAX_EVENTS_LIMIT}`);
  return limit;
}

/** An ISO-8601 date-time with a zone (`Z` or an offset): a moment that means the same everywhere. */
export function asOfParam(raw: string): Date {
  const moment = parseMoment(raw);
  if (!moment) throw invalid('asOf', `must be ${MOMENT_FORMAT}`);
  return moment;
}

function invalid(field: string, message: string): ProblemException {
  return ProblemException.of(400, 'bad-request', 'Bad request', `${field} ${message}`, {
    errors: [{ field, messages: [message] }],
  });
}
