import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ProblemException } from '../problem/problem';

/** No body of this API nests deeper than a few levels (a package's rows); validation recurses, so deep input is refused first. */
export const MAX_BODY_DEPTH = 32;

/**
 * Fastify's own JSON parser (with its prototype-poisoning protection), whose failures become a `malformed-json`
 * problem. Without this, Nest turns them into a bare 400 and the stable problem type is lost. Every body of this API
 * is a JSON object no deeper than MAX_BODY_DEPTH: anything else is an `invalid-request` here, before the validation
 * pipe's recursion (which a body 2,000 levels deep overflowed) or a handler that expects an object ever sees it.
 */
export function useProblemJsonParser(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    void parse(request, body as string, (error: Error | null, value?: unknown) => {
      if (error) {
        const detail =
          (error as { code?: string }).code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
            ? 'the body is empty'
            : 'the body is not valid JSON';
        return done(ProblemException.of(400, 'malformed-json', 'Malformed JSON', detail), undefined);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return done(invalidBody('the body must be a JSON object'), undefined);
      if (depthExceeds(value, MAX_BODY_DEPTH))
        return done(invalidBody(`the body nests deeper than ${MAX_BODY_DEPTH} levels`), undefined);
      done(null, value);
    });
  });
}

function invalidBody(message: string): ProblemException {
  return ProblemException.of(400, 'invalid-request', 'Invalid request', message, {
    errors: [{ field: 'body', messages: [message] }],
  });
}

/** Iterative, so that measuring a deep value cannot overflow the stack either. */
function depthExceeds(root: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[root, 1]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
  return false;
}
