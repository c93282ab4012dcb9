import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Holds every answer an end-to-end suite receives to the OpenAPI document the service serves at /docs/json: the
 * status must be one the route declares (or its `default`), the media type one declared for that status, and a JSON
 * body must match its schema. A mismatch fails the test that received it, so the document cannot drift from what
 * the service answers. test-app.ts (inject) and checked-fetch.ts (spawned processes) run every response through it.
 */

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema?: object }> }> }>
  >;
  components?: object;
}

export interface ReceivedResponse {
  method: string;
  url: string;
  status: number;
  contentType: string | undefined;
  body: string;
}

export class ResponseContractError extends Error {
  constructor(response: ReceivedResponse, reason: string) {
    super(
      `${response.method} ${response.url} answered ${response.status} off the OpenAPI contract: ${reason}\nbody: ${response.body.slice(0, 1000)}`,
    );
    this.name = 'ResponseContractError';
  }
}

const DOCUMENT_ID = 'openapi.json';
/** The document itself and Swagger UI's assets are not described by the document. */
const UNDESCRIBED = /^\/docs(\/|$|-json)/;

export class ResponseValidator {
  private readonly ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  private readonly routes: Array<{ method: string; pattern: RegExp; template: string }>;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    // The schemas refer to '#/components/schemas/…': they resolve against this one registered copy.
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: document.components ?? {} });
    this.routes = Object.entries(document.paths).flatMap(([template, item]) =>
      Object.keys(item).map((method) => ({
        method: method.toUpperCase(),
        template,
        pattern: templatePattern(template),
      })),
    );
  }

  /** Throws ResponseContractError when the response is not what the document says the route answers. */
  check(response: ReceivedResponse): void {
    const path = response.url.split('?')[0];
    if (UNDESCRIBED.test(path)) return;
    const mediaType = response.contentType?.split(';')[0].trim().toLowerCase();
    const route = this.routes.find(
      (candidate) => candidate.method === response.method.toUpperCase() && candidate.pattern.test(path),
    );
    if (!route) {
      // An unknown route answers a problem; anything else it serves (static files) is outside the API.
      if (response.status >= 400)
        return this.matchBody(response, 'problem', { $ref: `${DOCUMENT_ID}#/components/schemas/Problem` });
      if (mediaType === 'application/json')
        throw new ResponseContractError(response, 'the route is not in the document');
      return;
    }
    const responses = this.document.paths[route.template][route.method.toLowerCase()].responses;
    const declared = responses[String(response.status)] ?? responses.default;
    if (!declared)
      throw new ResponseContractError(
        response,
        `status ${response.status} is not declared (declared: ${Object.keys(responses).join(', ')})`,
      );
    const key = responses[String(response.status)] ? String(response.status) : 'default';
    if (!declared.content) {
      if (response.body.length > 0)
        throw new ResponseContractError(response, 'the document declares no body for this status');
      return;
    }
    const media = mediaType && declared.content[mediaType];
    if (!media)
      throw new ResponseContractError(
        response,
        `media type ${mediaType} is not declared (declared: ${Object.keys(declared.content).join(', ')})`,
      );
    if (!media.schema || !mediaType.endsWith('json')) return;
    const pointer = [
      'paths',
      route.template,
      route.method.toLowerCase(),
      'responses',
      key,
      'content',
      mediaType,
      'schema',
    ];
    this.matchBody(response, pointer.join(' '), rebase(media.schema));
  }

  private matchBody(response: ReceivedResponse, cacheKey: string, schema: object): void {
    let validate = this.compiled.get(cacheKey);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(cacheKey, validate);
    }
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      throw new ResponseContractError(response, 'the body is not JSON');
    }
    if (!validate(body)) {
      const errors = (validate.errors ?? [])
        .map((error) => `${error.instancePath || '(body)'} ${error.message}`)
        .join('; ');
      throw new ResponseContractError(response, errors);
    }
  }
}

/** `/v1/tenants/{tenantId}/…` → a pattern where each `{param}` is one path segment. */
function templatePattern(template: string): RegExp {
  const escaped = template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('[^/]+')}$`);
}

/** A copy of the schema whose local references point into the registered document. */
function rebase(schema: unknown): object {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, `"$ref":"${DOCUMENT_ID}#/`)) as object;
}
