import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ProblemException } from '../problem/problem';

/**
 * Fastify's own JSON parser (with its prototype-poisoning protection), whose failures become a `malformed-json`
 * problem. Without this, Nest turns them into a bare 400 and the stable problem type is lost.
 */
export function useProblemJsonParser(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, body as string, (error: Error | null, value?: unknown) => {
      if (!error) return done(null, value);
      const detail = (error as { code?: string }).code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'the body is empty' : 'the body is not valid JSON';
      done(ProblemException.of(400, 'malformed-json', 'Malformed JSON', detail), undefined);
    });
  });
}
