import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { MAX_USER_ID_LENGTH } from '@app/domain';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, problemType } from './problem';

/**
 * The longest path parameter Fastify routes. The longest identifier of a path is a user id; a client may
 * percent-encode each of its characters (`@` as `%40`), so three bytes each. Longer parameters can never be valid:
 * Fastify answers them itself (414), as problem+json like everything else.
 */
export const MAX_PATH_PARAM_LENGTH = 3 * MAX_USER_ID_LENGTH;

/**
 * Fastify answers some errors before any route, hook or Nest filter runs: a URL it cannot decode, an over-long path
 * parameter (frameworkErrors), a malformed request or over-large headers (clientErrorHandler, on the raw socket),
 * and requests during shutdown (return503OnClosing, replaced by the hook of `useProblemWhileClosing`). These options
 * route each of them through the problem+json shape.
 */
export function fastifyProblemOptions(): Pick<
  FastifyServerOptions,
  'routerOptions' | 'return503OnClosing' | 'frameworkErrors' | 'clientErrorHandler'
> {
  return {
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
    return503OnClosing: false,
    frameworkErrors: (error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      const status = tooLong ? 414 : 400;
      const detail = tooLong
        ? `a path parameter is longer than ${MAX_PATH_PARAM_LENGTH} characters`
        : 'the URL is not valid (a malformed percent-encoding?)';
      void reply
        .status(status)
        .header('content-type', PROBLEM_CONTENT_TYPE)
        .send(problem(status, tooLong ? 'uri-too-long' : 'bad-request', detail, pathOf(request.raw.url)));
    },
    clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => {
      // A reset connection has nobody to answer (as in Fastify's own handler).
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const [status, slug, detail] =
        error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'headers-too-large', 'the request headers are too large']
          : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? [408, 'request-timeout', 'the request took too long to arrive']
            : [400, 'bad-request', 'the request is not valid HTTP'];
      if (socket.writable) {
        const body = JSON.stringify(problem(status, slug, detail));
        socket.write(
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy(error);
    },
  };
}

/**
 * From the moment the server starts closing, every new request is answered 503 `shutting-down` (problem+json, and
 * `Connection: close` so that the client's next request goes to another instance); in-flight requests finish.
 */
export function useProblemWhileClosing(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!closing) return done();
    void reply
      .status(503)
      .header('content-type', PROBLEM_CONTENT_TYPE)
      .header('connection', 'close')
      .send(
        problem(
          503,
          'shutting-down',
          'the service is shutting down; retry on another instance or in a moment',
          pathOf(request.raw.url),
        ),
      );
  });
}

function problem(status: number, slug: string, detail: string, instance?: string): ProblemDetails {
  return {
    type: problemType(slug),
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    ...(instance === undefined ? {} : { instance }),
  };
}

/** The path only, capped: the query may carry anything, and an over-long URL is what some of these errors are about. */
function pathOf(url: string | undefined): string | undefined {
  return url === undefined ? undefined : url.split('?')[0].slice(0, 256);
}
