import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject, ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PROBLEM_CATALOG, ProblemSlug } from '../problem/problem-catalog';
import { PROBLEM_CONTENT_TYPE } from '../problem/problem';
import { NarrowedProblemSchema, problemSchema } from './api-decorators';
import { ANSWER_SCHEMAS } from './answer.schemas';
import { arrayOf, obj, ref, str, int } from './schema-builders';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

const PROBLEM = obj(
  {
    type: str({ description: 'a stable URI reference, /problems/{slug}; GET it for a description' }),
    title: str(),
    status: int(),
  },
  {
    detail: str({ description: 'for humans' }),
    instance: str({ description: 'the request path' }),
    errors: arrayOf(obj({ field: str(), messages: arrayOf(str()) }), {
      description: 'per-field errors of invalid input',
    }),
  },
  'RFC 9457 problem details; refusals add their context as extra members (e.g. module, number, inUse)',
);

/** Problems every route of a kind may answer, whatever its own are. */
const SHARED: Record<'all' | 'body' | 'command', ProblemSlug[]> = {
  // Input the router and the parsers refuse before any route-specific rule (a body may come with any method), and a
  // service that is going away.
  all: [
    'bad-request',
    'malformed-json',
    'invalid-request',
    'payload-too-large',
    'unsupported-media-type',
    'not-found',
    'method-not-allowed',
    'request-timeout',
    'uri-too-long',
    'headers-too-large',
    'internal-error',
    'store-unavailable',
    'shutting-down',
    'service-unavailable',
  ],
  body: ['malformed-json', 'invalid-request', 'payload-too-large', 'unsupported-media-type', 'unprocessable-entity'],
  command: ['concurrency-conflict', 'idempotency-key-reused'],
};

/**
 * The served OpenAPI document: Nest's scan of the controllers, plus the answer schemas, the problem schema, and the
 * problems every route shares. `default` describes any other status: it is problem+json too.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Licensing backend')
    .setDescription(
      'Event-sourced licensing for a multi-tenant CRM: commands, queries and audit under /v1/tenants/{tenantId}. ' +
        'Every error is application/problem+json; GET its `type` (/problems/{slug}) for a description.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...ANSWER_SCHEMAS, Problem: PROBLEM },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) completeOperation(path, operation);
    }
  }
  return document;
}

function completeOperation(path: string, operation: OperationObject): void {
  const slugs: ProblemSlug[] = [];
  if (path.startsWith('/v1/')) slugs.push(...SHARED.all);
  if (operation.requestBody) slugs.push(...SHARED.body);
  const isCommand = (operation.parameters ?? []).some(
    (parameter) => 'name' in parameter && parameter.name === 'Idempotency-Key',
  );
  if (isCommand) slugs.push(...SHARED.command);
  // Routes that declare @Access carry bearer security (auth/access.decorator.ts): they may answer 401 and 403.
  if (operation.security?.length) slugs.push('unauthenticated', 'forbidden');
  for (const slug of slugs) addProblem(operation, slug);
  operation.responses.default ??= {
    description: 'any other status: a problem',
    content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('Problem') } },
  };
  if (path.startsWith('/v1/')) {
    for (const [status, response] of Object.entries(operation.responses)) {
      if (status.startsWith('2')) {
        (response as ResponseObject).headers = {
          ...(response as ResponseObject).headers,
          'X-Correlation-Id': {
            description:
              'the correlation id recorded on the events (from X-Correlation-Id or traceparent, else the command id)',
            schema: { type: 'string' },
          },
        };
      }
    }
  }
}

/** Adds a problem type to the route's answers of its status, creating the answer or extending its list of types. */
function addProblem(operation: OperationObject, slug: ProblemSlug): void {
  const status = String(PROBLEM_CATALOG[slug].status);
  const response = operation.responses[status] as ResponseObject | undefined;
  const type = `/problems/${slug}`;
  const existing = response?.content?.[PROBLEM_CONTENT_TYPE]?.schema as NarrowedProblemSchema | undefined;
  if (!response || !existing) {
    operation.responses[status] = {
      description: slug,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema([slug]) } },
    };
    return;
  }
  const types = existing.allOf[1].properties.type.enum;
  if (!types.includes(type)) {
    types.push(type);
    response.description = `${response.description}, ${slug}`;
  }
}
