import { rmSync } from 'node:fs';
import { Controller, Get, Module } from '@nestjs/common';
import {
  APP_FILTER,
  APP_GUARD,
  DiscoveryModule,
  DiscoveryService,
  MetadataScanner,
  NestFactory,
  Reflector,
} from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { CredentialVerifier } from '@app/access';
import type { AppConfig } from '@app/config';
import { AppModule } from '../src/app.module';
import { declaredRoutes } from '../src/auth/access-declarations';
import { AccessGuard } from '../src/auth/access.guard';
import { CREDENTIAL_VERIFIER } from '../src/auth/access.tokens';
import { ProblemDetailsFilter } from '../src/problem/problem-details.filter';
import { startTestApp, requestSender } from '../../../test/support/test-app';
import { testConfig } from '../../../test/support/test-config';
import { TEST_KEYS } from '../../../test/support/test-credentials';

/** A route someone added and forgot to declare. */
@Controller('v1/tenants/:tenantId/forgotten')
class ForgottenController {
  @Get()
  forgotten() {
    return { open: true };
  }
}

describe('every route declares its access', () => {
  let config: AppConfig;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    config = testConfig();
    app = await startTestApp(config);
  });

  afterAll(async () => {
    await app.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  it('the application declares @Access on every /v1 route and @Public only on health and the problem descriptions (enumerated from the controllers)', () => {
    const routes = declaredRoutes(app.get(DiscoveryService), app.get(MetadataScanner), app.get(Reflector));
    expect(routes.length).toBeGreaterThanOrEqual(21);
    expect(routes.filter(({ access }) => access === undefined)).toEqual([]);
    expect(
      routes
        .filter(({ access }) => access?.kind === 'public')
        .map(({ route }) => route)
        .sort(),
    ).toEqual(['HealthController.health', 'ProblemsController.describe']);
  });

  it('an application with an undeclared route does not start, and names the route', async () => {
    const module = AppModule.forRoot(testConfig());
    const broken = await NestFactory.create<NestFastifyApplication>(
      { ...module, controllers: [...(module.controllers ?? []), ForgottenController] },
      new FastifyAdapter(),
      {
        logger: false,
        abortOnError: false,
      },
    );
    await expect(broken.init()).rejects.toThrow(
      'routes without a declared access (@Access or @Public): ForgottenController.forgotten',
    );
    await broken.close();
  });

  it('the guard refuses to serve an undeclared route, even with access open', async () => {
    @Module({
      imports: [DiscoveryModule],
      controllers: [ForgottenController],
      providers: [
        { provide: CREDENTIAL_VERIFIER, useValue: new CredentialVerifier({ apiKeys: [], tokens: null }) },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    })
    class GuardOnlyModule {}
    const bare = await NestFactory.create<NestFastifyApplication>(GuardOnlyModule, new FastifyAdapter(), {
      logger: false,
      abortOnError: false,
    });
    await bare.init();
    await bare.getHttpAdapter().getInstance().ready();
    const response = await bare
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'GET', url: '/v1/tenants/Cust1/forgotten' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({
      type: '/problems/access-undeclared',
      detail: 'ForgottenController.forgotten declares no access (@Access or @Public)',
    });
    expect(response.body).not.toContain('"open":true');
    await bare.close();
  });

  it('OpenAPI declares the bearer scheme, 401 and 403 on every /v1 operation, and shows no secret', async () => {
    const response = await requestSender(() => app)('GET', '/docs/json', undefined, { authorization: '' });
    expect(response.statusCode).toBe(200);
    const document = response.json() as {
      components: { securitySchemes: Record<string, unknown> };
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>>;
    };
    expect(document.components.securitySchemes).toEqual({
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    });
    const operations = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })),
      );
    expect(operations.length).toBeGreaterThanOrEqual(20);
    const lacking = operations.filter(
      ({ operation }) =>
        JSON.stringify(operation.security) !== JSON.stringify([{ bearer: [] }]) ||
        !operation.responses['401'] ||
        !operation.responses['403'],
    );
    expect(lacking.map(({ route }) => route)).toEqual([]);
    expect(document.paths['/health'].get.security).toBeUndefined();
    for (const key of Object.values(TEST_KEYS)) expect(response.body).not.toContain(key.secret);
  });

  it('/health answers the status alone without a credential, and its details to an administrator', async () => {
    const send = requestSender(() => app);
    expect((await send('GET', '/health', undefined, { authorization: '' })).json()).toEqual({ status: 'ok' });
    expect(
      (await send('GET', '/health', undefined, { authorization: `Bearer ${TEST_KEYS.reader.secret}` })).json(),
    ).toEqual({ status: 'ok' });
    expect((await send('GET', '/health', undefined, { authorization: 'Bearer not-a-key-at-all' })).json()).toEqual({
      status: 'ok',
    });
    expect(
      (await send('GET', '/health', undefined, { authorization: `Bearer ${TEST_KEYS.tenantAdmin.secret}` })).json(),
    ).toMatchObject({
      status: 'ok',
      eventStore: { status: 'up' },
      projections: { positions: expect.any(Array) },
    });
  });
});

describe('with no credentials configured (development)', () => {
  it('serves every route as anonymous, and records that actor', async () => {
    const config = testConfig({ LICENSING_API_KEYS: '' });
    const app = await startTestApp(config);
    try {
      expect(config.access.apiKeys).toEqual([]);
      const send = requestSender(() => app);
      const started = await send(
        'POST',
        '/v1/tenants/Cust1/system-events',
        { eventKey: 'NoLogin', scope: 1, activatedBy: 'u7' },
        { authorization: '' },
      );
      expect(started.statusCode).toBe(201);
      // Open mode keeps the body's activatedBy as given; the event's actor is anonymous.
      expect(started.json()).toMatchObject({ activatedBy: 'u7' });
      const events = await send('GET', '/v1/tenants/Cust1/events', undefined, { authorization: '' });
      expect(events.json().items.map((item: { metadata: { actor: string } }) => item.metadata.actor)).toEqual([
        'anonymous',
      ]);
      expect((await send('GET', '/health', undefined, { authorization: '' })).json()).toMatchObject({
        eventStore: { status: 'up' },
      });
    } finally {
      await app.close();
      rmSync(config.dataDir, { recursive: true, force: true });
    }
  });
});
