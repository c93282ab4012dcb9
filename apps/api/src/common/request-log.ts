import { Global, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Logger, PARAMS_PROVIDER_TOKEN, PinoLogger } from 'nestjs-pino';
import { pino, type Logger as Pino } from 'pino';
import { APP_CONFIG, AppConfig, scrubbingLogHooks } from '@app/config';
import { prettyWhenInteractive } from './quiet-startup-logger';

/** Request headers that carry credentials: never in a log line, whatever the level. */
export const REDACTED_HEADERS = ['authorization', 'cookie', 'x-api-key', 'proxy-authorization'].map(
  (name) => `req.headers["${name}"]`,
);

/** The process's one pino logger: the Nest logger writes through it, and so does the request log. */
export const APP_PINO = Symbol('APP_PINO');

/**
 * nestjs-pino's `Logger` and `PinoLogger` over our own pino instance, without its pino-http middleware. That
 * middleware ran for every request through @fastify/middie, made a child logger per request and bound it in
 * AsyncLocalStorage, whether or not anything was logged: about 14% of the no-op route's CPU profile (issue 15).
 * The request line is now written by a Fastify `onResponse` hook (useRequestLog), and only when its level is on.
 */
@Global()
@Module({
  providers: [
    {
      provide: APP_PINO,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): Pino =>
        pino({
          level: config.log.level,
          redact: { paths: REDACTED_HEADERS, censor: '[redacted]' },
          ...scrubbingLogHooks(config),
          ...prettyWhenInteractive(),
        }),
    },
    // nestjs-pino takes a passed logger as `pinoHttp.logger` (its "existing logger" form).
    { provide: PARAMS_PROVIDER_TOKEN, inject: [APP_PINO], useFactory: (logger: Pino) => ({ pinoHttp: { logger } }) },
    PinoLogger,
    Logger,
  ],
  exports: [APP_PINO, PinoLogger, Logger],
})
export class RequestLogModule {}

/**
 * One line per answered request, as pino-http wrote it: `request completed` (info) or, for a 5xx, `request errored`
 * (error), with the request (credential headers redacted), the response and the time taken. Health probes are not
 * logged (they would drown the log).
 */
export function useRequestLog(app: NestFastifyApplication): void {
  const logger = app.get<Pino>(APP_PINO);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      const failed = reply.statusCode >= 500;
      if (!logger.isLevelEnabled(failed ? 'error' : 'info') || isHealthProbe(request)) return done();
      const line = { req: requestOf(request), res: responseOf(reply), responseTime: Math.round(reply.elapsedTime) };
      if (failed) logger.error(line, 'request errored');
      else logger.info(line, 'request completed');
      done();
    });
}

function isHealthProbe(request: FastifyRequest): boolean {
  return request.method === 'GET' && request.routeOptions.url === '/health';
}

function requestOf(request: FastifyRequest) {
  return {
    id: request.id,
    method: request.method,
    url: request.raw.url,
    query: request.query,
    params: request.params,
    headers: request.headers,
    remoteAddress: request.ip,
    remotePort: request.socket.remotePort,
  };
}

function responseOf(reply: FastifyReply) {
  return { statusCode: reply.statusCode, headers: reply.getHeaders() };
}
