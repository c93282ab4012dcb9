import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { ProblemException } from '../problem/problem';

/** The paging of every listing (`GET /v1/tenants`, the system-events feed, the package history): one rule. */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

/** `?limit=&cursor=` in the OpenAPI document, alike on every listing. */
export function ApiPageQuery(): MethodDecorator {
  return applyDecorators(
    ApiQuery({ name: 'limit', required: false, description: `1–${MAX_LIMIT}, default ${DEFAULT_LIMIT}` }),
    ApiQuery({ name: 'cursor', required: false, description: 'the nextCursor of the previous page' }),
  );
}

/** `?limit=` of a listing: 1 to 200, default 50; anything else is a 400 naming the field. */
export function limitOf(limit: string | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  const value = Number(limit);
  if (!/^\d+$/.test(limit) || value < 1 || value > MAX_LIMIT)
    throw badParameter('limit', `an integer from 1 to ${MAX_LIMIT}`);
  return value;
}

/** A listing's answer for a cursor it did not hand out (the read model answers null). */
export function foreignCursor(list: string): ProblemException {
  return badParameter('cursor', `not a cursor this ${list} handed out; start again without one`);
}

/** A 400 naming the query parameter that is wrong, and how. */
export function badParameter(field: string, message: string): ProblemException {
  return ProblemException.of(400, 'bad-request', 'Bad request', `${field}: ${message}`, {
    errors: [{ field, messages: [message] }],
  });
}
