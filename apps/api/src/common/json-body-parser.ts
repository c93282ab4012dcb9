import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { ProblemException } from '../problem/problem';

/** No body of this API nests deeper than a few levels (a package's rows); validation recurses, so deep input is refused first. */
export const MAX_BODY_DEPTH = 32;

/**
 * Fastify's own JSON parser (with its prototype-poisoning protection), whose failures become a `malformed-json`
 * problem. Without this, Nest turns them into a bare 400 and the stable problem type is lost. Every body of this API
 * is a JSON object no deeper than MAX_BODY_DEPTH: anything else is an `invalid-request` here, before the validation
 * pipe's recursion (which a body 2,000 levels deep overflowed) or a handler that expects an object ever sees it.
 *
 * The body is read as a Buffer and decoded once (`parseAs: 'string'` had Fastify decode each chunk, count its UTF-8
 * bytes again, and join the chunks into a string that JSON parsing then copied flat: ~210 kB of garbage for a batch
 * of 1,000 usage records, issue 15 goal 4). The decoded text is what the string parser saw: the whole body decoded
 * at once equals it decoded chunk by chunk (a decoder carries split characters over, and both replace bad bytes).
 * (Skipping secure-json-parse's two key scans for texts that cannot hold such a key was measured and dropped: the
 * scans are ~30 µs of a batch's 110 kB, and a substring search for `constructor` cost more than both.)
 */
export function useProblemJsonParser(app: NestFastifyApplication): void {
  useProblemJsonParserOn(app.getHttpAdapter().getInstance());
}

/** The parser above on a Fastify instance (the app's, or a bare one in a test). */
export function useProblemJsonParserOn(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const text = (body as Buffer).toString('utf8');
    void parse(request, text, (error: Error | null, value?: unknown) => {
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

/**
 * Does `root` nest objects and arrays more than `limit` levels deep? Recursive, yet no input can overflow the stack:
 * the walk goes one level further than `limit` at most, where it answers. It allocates nothing (the iterative walk
 * before pushed every record of a batch onto two stacks: ~55 kB of garbage per batch of 1,000 usage records).
 */
export function depthExceeds(root: unknown, limit: number): boolean {
  return exceeds(root, 1, limit);
}

function exceeds(value: unknown, depth: number, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (depth > limit) return true;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) if (exceeds(value[index], depth + 1, limit)) return true;
  } else {
    // A parsed body is a plain object: its enumerable members are its own (JSON gives it no inherited ones).
    for (const key in value) if (exceeds((value as Record<string, unknown>)[key], depth + 1, limit)) return true;
  }
  return false;
}
