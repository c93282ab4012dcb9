import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from '../problem/problem';

/**
 * Trace context: a caller's `X-Correlation-Id`, else the trace id of its W3C `traceparent`, becomes the correlation
 * id of every event the request records, and is answered back in `X-Correlation-Id`, so one id follows a change
 * from the caller's trace through the event log. Without either, a command's own id is its correlation id.
 */

export const CORRELATION_HEADER = 'x-correlation-id';
const CORRELATION_ID = /^[\x21-\x7e]{1,128}$/;
/** version 00: `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`; all-zero ids are invalid. */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

declare module 'fastify' {
  interface FastifyRequest {
    /** The correlation id the request carries or was given (see trace-context.ts). */
    correlationId: string | null;
  }
}

/** The correlation id the caller sent; a malformed X-Correlation-Id is refused, a malformed traceparent ignored (W3C). */
export function callerCorrelationId(request: Pick<FastifyRequest, 'headers'>): string | undefined {
  const header = first(request.headers[CORRELATION_HEADER]);
  if (header !== undefined) {
    if (!CORRELATION_ID.test(header)) {
      throw ProblemException.of(
        400,
        'bad-request',
        'Bad request',
        'X-Correlation-Id must be 1 to 128 visible ASCII characters',
        {
          errors: [{ field: 'X-Correlation-Id', messages: ['1 to 128 visible ASCII characters'] }],
        },
      );
    }
    return header;
  }
  const match = TRACEPARENT.exec(first(request.headers.traceparent)?.trim().toLowerCase() ?? '');
  if (match && !/^0+$/.test(match[1]) && !/^0+$/.test(match[2])) return match[1];
  return undefined;
}

/** Answers every request's correlation id in X-Correlation-Id: the caller's, the command's, or a fresh one. */
export function useCorrelationHeader(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.decorateRequest('correlationId', null);
  fastify.addHook('onRequest', async (request) => {
    try {
      request.correlationId = callerCorrelationId(request) ?? null;
    } catch {
      // Refused where the id is used (commandEnvelope answers 400); the answer then echoes nothing of it.
      request.correlationId = null;
    }
  });
  fastify.addHook('onSend', async (request, reply, payload) => {
    request.correlationId ??= randomUUID();
    reply.header(CORRELATION_HEADER, request.correlationId);
    return payload;
  });
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
