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
  if (!(limit >= 1 && limit <= MAX_EVENTS_LIMIT)) throw invalid('limit', `must be an integer from 1 to ${MAX_EVENTS_LIMIT}`);
  return limit;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** An ISO-8601 date-time with a zone (`Z` or an offset): a moment that means the same everywhere. */
export function asOfParam(raw: string): Date {
  const match = DATE_TIME.exec(raw);
  const moment = new Date(raw);
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  // Date parsing rolls 2026-02-30 over into March; a moment an auditor asks for must exist as written.
  const realDay = month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (!match || !realDay || Number.isNaN(moment.getTime())) {
    throw invalid('asOf', 'must be an ISO-8601 date-time with a zone, e.g. 2026-06-01T12:00:00Z');
  }
  return moment;
}

function invalid(field: string, message: string): ProblemException {
  return ProblemException.of(400, 'bad-request', 'Bad request', `${field} ${message}`, { errors: [{ field, messages: [message] }] });
}
