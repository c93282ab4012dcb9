import { rmSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EVENT_STORE, EventStore, EventStoreClosedError } from '@app/event-store';
import type { AppConfig } from '@app/config';
import { createApp } from '../src/create-app';
import { testConfig } from '../../../test/support/test-config';
import { checkedInject, withCredential } from '../../../test/support/test-app';

describe('API foundation (Fastify inject)', () => {
  let config: AppConfig;
  let app: NestFastifyApplication;

  beforeEach(async () => {
    config = testConfig();
    app = await createApp(config);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterEach(async () => {
    await app.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  const inject = (options: {
    method: 'GET' | 'POST';
    url: string;
    payload?: string;
    headers?: Record<string, string>;
  }) => checkedInject(app, { ...options, headers: withCredential(options.headers ?? {}) });

  it('GET /health reports the event store and its head position', async () => {
    const store = app.get<EventStore>(EVENT_STORE);
    await store.append('health-check', [{ type: 'Pinged', data: {} }], 'no_stream');
    const response = await inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'ok',
      eventStore: { status: 'up', adapter: 'sqlite', headPosition: '1' },
      projections: {
        failed: false,
        positions: expect.arrayContaining([expect.objectContaining({ name: 'license-list' })]),
      },
    });
  });

  it('GET /health answers 503 when the store is down', async () => {
    await app.get<EventStore>(EVENT_STORE).close();
    const response = await inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ status: 'unavailable', eventStore: { status: 'down' } });
  });

  it('serves the OpenAPI document under /docs', async () => {
    const json = await inject({ method: 'GET', url: '/docs/json' });
    expect(json.statusCode).toBe(200);
    expect(json.json()).toMatchObject({
      openapi: expect.stringMatching(/^3\./),
      paths: { '/health': expect.any(Object) },
    });
    const ui = await inject({ method: 'GET', url: '/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });

  it('answers an unknown route with application/problem+json', async () => {
    const response = await inject({ method: 'GET', url: '/v1/nowhere' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ type: '/problems/not-found', status: 404, instance: '/v1/nowhere' });
  });

  it('closes the event store when the application shuts down', async () => {
    const store = app.get<EventStore>(EVENT_STORE);
    await app.close();
    await expect(store.append('after-close', [{ type: 'Late', data: {} }], 'any')).rejects.toBeInstanceOf(
      EventStoreClosedError,
    );
    app = await createApp(config); // afterEach closes whatever app is current
  });
});
