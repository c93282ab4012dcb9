import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '@app/config';
import { AppModule } from './app.module';
import { useProblemJsonParser } from './common/json-body-parser';
import { useLeanAsyncResourceBind } from './common/lean-async-resource-bind';
import { QuietStartupLogger } from './common/quiet-startup-logger';
import { useRequestLog } from './common/request-log';
import { useCorrelationHeader } from './common/trace-context';
import { problemValidationPipe } from './common/validation.pipe';
import { serveConsole } from './console/console-static';
import { useHttpMetrics } from './metrics/http-metrics';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { fastifyProblemOptions, useProblemWhileClosing } from './problem/fastify-problems';

/** Builds the API application (used by main.ts and by the end-to-end tests, so both run the same wiring). */
export async function createApp(config?: AppConfig): Promise<NestFastifyApplication> {
  useLeanAsyncResourceBind(); // before any request: Fastify binds once per request body
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    // skipMiddie: no route runs Express-style middleware (the request log is a Fastify hook, see request-log.ts), so
    // @fastify/middie and Nest's per-request middleware matching stay out of every request.
    new FastifyAdapter({ bodyLimit: 4 * 1024 * 1024, skipMiddie: true, ...fastifyProblemOptions() }),
    { bufferLogs: true, abortOnError: false, bodyParser: false },
  );
  app.useLogger(new QuietStartupLogger(app.get(Logger)));
  app.useGlobalPipes(problemValidationPipe());
  useProblemJsonParser(app);
  useCorrelationHeader(app);
  useHttpMetrics(app);
  useRequestLog(app);
  useProblemWhileClosing(app);
  serveConsole(app);
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs/json' });
  return app;
}
