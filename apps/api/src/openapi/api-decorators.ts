import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiResponse } from '@nestjs/swagger';
import { PROBLEM_CATALOG, ProblemSlug } from '../problem/problem-catalog';
import { PROBLEM_CONTENT_TYPE } from '../problem/problem';
import { ref, Schema } from './schema-builders';

/**
 * The route decorators that make the OpenAPI document the contract: each answer names its schema (answer.schemas.ts),
 * each problem status lists the problem types the route may answer with it.
 */

/** A JSON answer of the named schema. */
export const ApiAnswer = (
  status: number,
  schema: string,
  description: string,
  otherMedia: Record<string, { schema: Schema }> = {},
) => ApiResponse({ status, description, content: { 'application/json': { schema: ref(schema) }, ...otherMedia } });

/**
 * The problem+json answers of a route, grouped by status from the catalog; openapi-document.ts adds the shared ones.
 * A type a route answers with another status than the catalog's is given as `[slug, status]` (the holders query
 * answers an unknown module with 404, a command with 422).
 */
export function ApiProblems(...slugs: Array<ProblemSlug | [ProblemSlug, number]>) {
  const byStatus = new Map<number, ProblemSlug[]>();
  for (const entry of slugs) {
    const [slug, status] = typeof entry === 'string' ? [entry, PROBLEM_CATALOG[entry].status] : entry;
    byStatus.set(status, [...(byStatus.get(status) ?? []), slug]);
  }
  return applyDecorators(
    ...[...byStatus].map(([status, types]) =>
      ApiResponse({
        status,
        description: types.join(', '),
        content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema(types) } },
      }),
    ),
  );
}

/** The Problem schema narrowed to the given types (`/problems/{slug}`). */
export interface NarrowedProblemSchema {
  allOf: [Schema, { type: 'object'; properties: { type: { type: 'string'; enum: string[] } } }];
}

export function problemSchema(types: readonly string[]): NarrowedProblemSchema {
  return {
    allOf: [
      ref('Problem'),
      { type: 'object', properties: { type: { type: 'string', enum: types.map((slug) => `/problems/${slug}`) } } },
    ],
  };
}

/**
 * A command: it takes an Idempotency-Key, checked across streams where the command is sent (command-sender.ts). Its
 * shared problems (concurrency-conflict, idempotency-key-reused) are added by openapi-document.ts, since a second
 * decorator for the same status would replace the route's own.
 */
export const ApiCommand = () =>
  applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'UUID naming one request across all streams; a retry with the same key answers the first result and writes ' +
        'nothing, and the key sent with a different request answers 422 idempotency-key-reused',
      schema: { type: 'string', format: 'uuid' },
    }),
  );

/** A JSON body of the named schema (for bodies that are not a validated DTO class, such as the usage union). */
export const ApiJsonBody = (schema: string, description: string) => ApiBody({ description, schema: ref(schema) });
