import { ProblemException } from '../../problem/problem';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

export const LIMIT_DESCRIPTION = `1–${MAX_LIMIT}, default ${DEFAULT_LIMIT}`;

/** `?limit=` of a listing: 1 to 200, default 50; anything else is a 400 naming the field. */
export function limitOf(limit: string | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  const value = Number(limit);
  if (!/^\d+$/.test(limit) || value < 1 || value > MAX_LIMIT)
    throw badParameter('limit', `an integer from 1 to ${MAX_LIMIT}`);
  return value;
}

export function badParameter(field: string, message: string): ProblemException {
  return ProblemException.of(400, 'bad-request', 'Bad request', `${field}: ${message}`, {
    errors: [{ field, messages: [message] }],
  });
}
