import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import {
  EventStoreClosedError,
  EventStoreUnavailableError,
  IdempotencyKeyConflictError,
  InvalidEventStoreRequestError,
  WrongExpectedVersionError,
} from '@app/event-store';
import { CommandIdReusedError, ConcurrencyRetriesExhaustedError } from '@app/application';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { applicationProblem } from './application-problem';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, ProblemException, problemType } from './problem';

const SLUG_BY_STATUS: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable-entity',
  429: 'too-many-requests',
  503: 'service-unavailable',
};

/** Every error leaves the API as application/problem+json; unexpected ones are logged and answered without internals. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(thrown: unknown, host: ArgumentsHost): void {
    // The application's typed errors become their problem documents first, and are then logged and answered alike.
    const exception = applicationProblem(thrown) ?? thrown;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = { ...this.toProblem(exception), instance: request.url };
    // A documented 503 (read model behind, store unavailable) is an expected condition: one warn line, no stack.
    // Only the unexpected — a 500 — is logged with its error.
    if (problem.status === 500) this.logger.error({ err: exception, problem }, 'request failed');
    else if (problem.status >= 500) {
      const cause =
        exception instanceof ProblemException || !(exception instanceof Error) ? '' : ` (${exception.message})`;
      this.logger.warn(
        `${problem.status} ${problem.type} ${request.method} ${request.url}: ${problem.detail ?? problem.title}${cause}`,
      );
    }
    // RFC 6750: a 401 names the scheme the caller should use.
    if (problem.status === 401) void reply.header('www-authenticate', 'Bearer realm="licensing"');
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }

  toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof ProblemException) return exception.problem;
    const known = applicationProblem(exception);
    if (known) return known.problem;
    if (exception instanceof HttpException) return fromHttpException(exception);
    // The store's own refusal of a key bound to another request, should one reach here past the runner.
    if (exception instanceof CommandIdReusedError || exception instanceof IdempotencyKeyConflictError) {
      return problem(
        422,
        'idempotency-key-reused',
        'Idempotency key reused',
        `${exception.message}; use a new key for a new command`,
      );
    }
    if (exception instanceof WrongExpectedVersionError || exception instanceof ConcurrencyRetriesExhaustedError) {
      return problem(
        409,
        'concurrency-conflict',
        'Concurrent change',
        'the resource changed concurrently too often; retry',
      );
    }
    if (exception instanceof InvalidEventStoreRequestError)
      return problem(400, 'bad-request', 'Bad request', exception.message);
    if (exception instanceof EventStoreClosedError || exception instanceof EventStoreUnavailableError) {
      return problem(503, 'store-unavailable', 'Event store unavailable', 'the event store cannot take requests now');
    }
    const fastifyStatus = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      // Fastify's own refusals (wrong media type, body too large) carry a client status.
      return problem(
        fastifyStatus,
        SLUG_BY_STATUS[fastifyStatus] ?? 'bad-request',
        titleOf(fastifyStatus),
        (exception as Error).message,
      );
    }
    return problem(500, 'internal-error', 'Internal error', 'an unexpected error occurred; it has been logged');
  }
}

function fromHttpException(exception: HttpException): ProblemDetails {
  const status = exception.getStatus();
  const body = exception.getResponse();
  const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
  const detail = Array.isArray(message)
    ? message.join('; ')
    : typeof message === 'string'
      ? message
      : exception.message;
  return problem(
    status,
    SLUG_BY_STATUS[status] ?? (status >= 500 ? 'internal-error' : 'bad-request'),
    titleOf(status),
    detail,
  );
}

function problem(status: number, slug: string, title: string, detail?: string): ProblemDetails {
  return { type: problemType(slug), title, status, detail };
}

function titleOf(status: number): string {
  const name = HttpStatus[status];
  return name ? name.charAt(0) + name.slice(1).toLowerCase().replace(/_/g, ' ') : 'Error';
}
