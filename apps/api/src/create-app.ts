import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '@app/config';
import { AppModule } from './app.module';
import { useProblemJsonParser } from './common/json-body-parser';
import { problemValidationPipe } from './common/validation.pipe';
import { fastifyProblemOptions, useProblemWhileClosing } from './problem/fastify-problems';

/** Builds the API application (used by main.ts and by the end-to-end tests, so both run the same wiring). */
export async function createApp(config?: AppConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({ bodyLimit: 4 * 1024 * 1024, ...fastifyProblemOptions() }),
    { bufferLogs: true, abortOnError: false, bodyParser: false },
  );
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(problemValidationPipe());
  useProblemJsonParser(app);
  useProblemWhileClosing(app);
  const openApi = new DocumentBuilder()
    .setTitle('Licensing backend')
    .setDescription('Event-sourced licensing for a multi-tenant CRM: commands, queries and audit under /v1/tenants/{tenantId}.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi), { jsonDocumentUrl: 'docs/json' });
  return app;
}
