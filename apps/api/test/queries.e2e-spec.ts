import { rmSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { Issuer, makeIssuer, packageDescription } from '../../../test/support/signed-packages';
import { requestSender, startTestApp } from '../../../test/support/test-app';
import { testConfig } from '../../../test/support/test-config';

const TENANT = 'Cust12345';
const base = `/v1/tenants/${TENANT}`;

describe('Query API over the projections', () => {
  let issuer: Issuer;
  let config: AppConfig;
  let app: NestFastifyApplication;

  beforeAll(() => (issuer = makeIssuer()));
  beforeEach(async () => {
    config = testConfig({ LICENSING_TRUSTED_ROOTS: issuer.rootFile, LICENSING_MIN_POSITION_TIMEOUT_MS: '300' });
    app = await startTestApp(config);
  });
  afterEach(async () => {
    await app.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  const send = requestSender(() => app);

  it('answers the license list, holders, user licenses and status as of the position a command returned', async () => {
    const description = packageDescription(TENANT, {
      dates: { ...packageDescription(TENANT).dates, expiration: '2030-12-31T00:00:00.000Z' },
    });
    expect((await send('POST', `${base}/license-packages`, issuer.sign(description))).statusCode).toBe(201);
    await send('POST', `${base}/users/u1/licenses`, { module: 'sales-premium' });
    const last = (await send('POST', `${base}/users/u2/licenses`, { module: 'saint' })).json();

    const list = await send('GET', `${base}/licenses?minPosition=${last.position}`);
    expect(list.statusCode).toBe(200);
    const [owner] = list.json().owners;
    expect(owner).toMatchObject({
      name: 'SUPEROFFICE',
      companyName: 'Acme Corp',
      serialNumber: '4021234567',
      expiration: '2030-12-31T00:00:00.000Z',
    });
    expect(owner.licenses.find((l: { module: string }) => l.module === 'sales-premium')).toEqual({
      module: 'sales-premium',
      description: 'Sales Premium',
      type: 3,
      number: 10,
      inUse: 1,
      free: 9,
      unrestricted: false,
      hidden: false,
      isPlan: true,
      implies: ['user', 'web', 'chat-cal'],
      overAllocated: false,
    });
    expect(owner.licenses.find((l: { module: string }) => l.module === 'web')).toMatchObject({
      inUse: 1,
      hidden: true,
    });

    expect((await send('GET', `${base}/licenses/saint/holders?minPosition=${last.position}`)).json()).toEqual({
      module: 'saint',
      holders: ['u2'],
    });
    expect((await send('GET', `${base}/users/u1/licenses?minPosition=${last.position}`)).json()).toEqual({
      userId: 'u1',
      active: true,
      plan: 'sales-premium',
      modules: ['chat-cal', 'sales-premium', 'user', 'web'],
    });
    expect((await send('GET', `${base}/status?minPosition=${last.position}`)).json()).toEqual({
      database: {
        owner: 'SUPEROFFICE',
        serialNumber: '4021234567',
        databaseType: 'Online',
        nextExpiry: '2030-12-31T00:00:00.000Z',
      },
      userCount: { byLicenses: { user: 50, web: 50 }, byPlansInUse: 1 },
      metering: {
        month: new Date().toISOString().slice(0, 7),
        services: expect.arrayContaining([expect.objectContaining({ service: 'storage', total: 0 })]),
      },
    });
  });

  it('answers 503 read-model-behind when minPosition is not reached in time', async () => {
    await send('POST', `${base}/license-packages`, issuer.sign(packageDescription(TENANT)));
    const head = await app.get<EventStore>(EVENT_STORE).headPosition();
    const response = await send('GET', `${base}/licenses?minPosition=${head! + 1000n}`);
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ type: '/problems/read-model-behind' });
  });

  it('minPosition=0 needs no wait, even on an empty store', async () => {
    const response = await send('GET', '/v1/tenants/Nobody/licenses?minPosition=0');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ type: '/problems/unknown-tenant' });
  });

  it.each([
    ['a bad minPosition', `${base}/licenses?minPosition=-1`, 400, 'bad-request'],
    ['an unknown tenant', '/v1/tenants/Nobody/licenses', 404, 'unknown-tenant'],
    ['an unknown tenant status', '/v1/tenants/Nobody/status', 404, 'unknown-tenant'],
    ['an unknown module', `${base}/licenses/ghost/holders?minPosition=1`, 404, 'unknown-module'],
  ])('%s → problem+json', async (_, url, status, type) => {
    await send('POST', `${base}/license-packages`, issuer.sign(packageDescription(TENANT)));
    const response = await send('GET', url);
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ type: `/problems/${type}` });
  });
});
