import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { LicenseDateCheck } from '@app/application';
import type { AppConfig } from '@app/config';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { LICENSE_DATE_CHECK } from '../src/system-events/system-events.tokens';
import { Issuer, makeIssuer, packageDescription } from '../../../test/support/signed-packages';
import { requestSender, startTestApp } from '../../../test/support/test-app';
import { testConfig } from '../../../test/support/test-config';
import { TEST_KEYS } from '../../../test/support/test-credentials';

const TENANT = 'Cust12345';
const base = `/v1/tenants/${TENANT}`;
const ETA = '2026-06-01T12:00:00.000Z';

describe('System events over HTTP', () => {
  let issuer: Issuer;
  let config: AppConfig;
  let app: NestFastifyApplication;
  let store: EventStore;

  beforeAll(() => (issuer = makeIssuer()));
  beforeEach(async () => {
    config = testConfig({ LICENSING_TRUSTED_ROOTS: issuer.rootFile });
    app = await startTestApp(config);
    store = app.get(EVENT_STORE);
  });
  afterEach(async () => {
    await app.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  const send = requestSender(() => app);
  const start = (body: Record<string, unknown>, headers?: Record<string, string>) =>
    send('POST', `${base}/system-events`, body, headers);
  const feed = async (query = '') => {
    const response = await send('GET', `${base}/system-events${query}`);
    expect(response.statusCode).toBe(200);
    return response.json() as { items: Array<Record<string, unknown>>; nextCursor: string | null };
  };
  const synced = async (query = '') => feed(`?minPosition=${await store.headPosition()}${query}`);

  describe('the lifecycle', () => {
    it('starts, updates and deletes an event; the feed shows each step', async () => {
      const started = await start({
        eventKey: 'FreetextRebuild',
        scope: 2,
        message: 'rebuilding the index',
        status: 'running',
        eta: ETA,
      });
      expect(started.statusCode).toBe(201);
      const answer = started.json();
      expect(answer).toEqual({
        eventKey: 'FreetextRebuild',
        scope: 2,
        owner: null,
        status: 'running',
        message: 'rebuilding the index',
        eta: ETA,
        activatedAt: expect.any(String),
        activatedBy: TEST_KEYS.admin.name,
        finishedAt: ETA,
        sequence: 1,
        position: String(await store.headPosition()),
      });
      expect((await feed(`?minPosition=${answer.position}`)).items).toEqual([
        {
          eventKey: 'FreetextRebuild',
          status: 'running',
          message: 'rebuilding the index',
          activatedAt: answer.activatedAt,
          activatedBy: TEST_KEYS.admin.name,
          finishedAt: ETA,
          scope: 2,
          owner: null,
          eta: ETA,
          updatedAt: answer.activatedAt,
          sequence: 1,
        },
      ]);

      const updated = await send('PATCH', `${base}/system-events/FreetextRebuild?scope=2`, {
        status: 'completed',
        message: 'done',
      });
      expect(updated.statusCode).toBe(200);
      expect(updated.json()).toMatchObject({
        status: 'completed',
        message: 'done',
        eta: ETA,
        activatedAt: answer.activatedAt,
        finishedAt: expect.any(String),
      });
      expect(updated.json().finishedAt).not.toBe(ETA);
      const [item] = (await feed(`?minPosition=${updated.json().position}`)).items;
      expect(item).toMatchObject({ status: 'completed', message: 'done', finishedAt: updated.json().finishedAt });

      const deleted = await send('DELETE', `${base}/system-events/FreetextRebuild?scope=2`);
      expect(deleted.statusCode).toBe(200);
      expect(deleted.json()).toEqual({
        eventKey: 'FreetextRebuild',
        scope: 2,
        owner: null,
        sequence: 1,
        position: String(await store.headPosition()),
      });
      expect((await feed(`?minPosition=${deleted.json().position}`)).items).toEqual([]);
    });

    it('answers 404 problem+json for an event that is not live, and writes nothing', async () => {
      await start({ eventKey: 'NoLogin', scope: 4, owner: 'u7' });
      await send('DELETE', `${base}/system-events/NoLogin?scope=4&owner=u7`);
      const head = await store.headPosition();
      for (const response of [
        await send('PATCH', `${base}/system-events/NoLogin?scope=4&owner=u7`, { status: 'running' }),
        await send('DELETE', `${base}/system-events/NoLogin?scope=4&owner=u7`),
        await send('DELETE', `${base}/system-events/NoLogin?scope=4&owner=u8`),
        await send('PATCH', `${base}/system-events/NeverStarted?scope=1`, { message: 'x' }),
      ]) {
        expect(response.statusCode).toBe(404);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.json()).toMatchObject({ type: '/problems/system-event-not-found' });
      }
      expect(await store.headPosition()).toBe(head);
    });

    it('lets an administrator update and delete a notice the backend raised', async () => {
      const activated = await send('POST', `${base}/license-packages`, issuer.sign(packageDescription(TENANT)));
      expect((await feed(`?minPosition=${activated.json().position}`)).items.map((item) => item.eventKey)).toEqual([
        'LicensePackageActivated',
      ]);
      expect(
        (await send('PATCH', `${base}/system-events/LicensePackageActivated?scope=2`, { message: 'seen' })).statusCode,
      ).toBe(200);
      expect((await send('DELETE', `${base}/system-events/LicensePackageActivated?scope=2`)).statusCode).toBe(200);
      expect((await synced()).items).toEqual([]);
    });
  });

  describe('uniqueness of (eventKey, scope, owner)', () => {
    it('refuses a second live event with the same key with 409 problem+json, and writes nothing', async () => {
      expect((await start({ eventKey: 'NoLogin', scope: 3, owner: 'sales' })).statusCode).toBe(201);
      const head = await store.headPosition();
      const again = await start({ eventKey: 'NoLogin', scope: 3, owner: 'sales', message: 'again' });
      expect(again.statusCode).toBe(409);
      expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(again.json()).toMatchObject({
        type: '/problems/system-event-exists',
        status: 409,
        eventKey: 'NoLogin',
        scope: 3,
        owner: 'sales',
      });
      expect(await store.headPosition()).toBe(head);

      expect((await start({ eventKey: 'NoLogin', scope: 3, owner: 'support' })).statusCode).toBe(201);
      expect((await start({ eventKey: 'NoLogin', scope: 4, owner: 'sales' })).statusCode).toBe(201);
      expect((await start({ eventKey: 'NoLogin', scope: 1 })).statusCode).toBe(201);
      await send('DELETE', `${base}/system-events/NoLogin?scope=3&owner=sales`);
      expect((await start({ eventKey: 'NoLogin', scope: 3, owner: 'sales' })).statusCode).toBe(201);
    });

    it('of 20 concurrent starts of one key, exactly one succeeds', async () => {
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => start({ eventKey: 'MessageOfTheDay', scope: 1, message: `m${i}` })),
      );
      expect(responses.map((r) => r.statusCode).sort()).toEqual([201, ...Array(19).fill(409)]);
      expect((await synced()).items).toHaveLength(1);
    });

    it('answers a retry with the same Idempotency-Key with the first answer, recording once', async () => {
      const key = randomUUID();
      const first = await start({ eventKey: 'ROURebuild', scope: 2 }, { 'idempotency-key': key });
      const again = await start({ eventKey: 'ROURebuild', scope: 2 }, { 'idempotency-key': key });
      expect(first.statusCode).toBe(201);
      expect(again.statusCode).toBe(201);
      expect(again.json()).toEqual(first.json());
      expect((await store.readAll()).filter((event) => event.type === 'SystemEventStarted')).toHaveLength(1);
    });
  });

  describe('bad input: problem+json, nothing written', () => {
    it.each([
      ['owner missing for scope 3', 'POST', '', { eventKey: 'NoLogin', scope: 3 }, 400, 'invalid-request', 'owner'],
      [
        'owner for scope 1',
        'POST',
        '',
        { eventKey: 'NoLogin', scope: 1, owner: 'u1' },
        400,
        'invalid-request',
        'owner',
      ],
      ['a bad event key', 'POST', '', { eventKey: 'no spaces', scope: 1 }, 400, 'invalid-request', 'eventKey'],
      ['a scope of 5', 'POST', '', { eventKey: 'NoLogin', scope: 5 }, 400, 'invalid-request', 'scope'],
      [
        'an unknown status',
        'POST',
        '',
        { eventKey: 'NoLogin', scope: 1, status: 'paused' },
        400,
        'invalid-request',
        'status',
      ],
      [
        'an eta without time',
        'POST',
        '',
        { eventKey: 'NoLogin', scope: 1, eta: '2026-06-01' },
        400,
        'invalid-request',
        'eta',
      ],
      [
        'an overlong message',
        'POST',
        '',
        { eventKey: 'NoLogin', scope: 1, message: 'x'.repeat(2001) },
        400,
        'invalid-request',
        'message',
      ],
      [
        'activatedBy naming another than the caller',
        'POST',
        '',
        { eventKey: 'NoLogin', scope: 1, activatedBy: 'u42' },
        400,
        'invalid-request',
        'activatedBy',
      ],
      [
        'an unknown field',
        'POST',
        '',
        { eventKey: 'NoLogin', scope: 1, colour: 'red' },
        400,
        'invalid-request',
        'colour',
      ],
      [
        'a backend notice key',
        'POST',
        '',
        { eventKey: 'LicenseGraceExpired', scope: 2 },
        422,
        'reserved-event-key',
        undefined,
      ],
      ['an update without scope', 'PATCH', '/NoLogin', { status: 'running' }, 400, 'bad-request', 'scope'],
      ['an update without changes', 'PATCH', '/NoLogin?scope=1', {}, 400, 'invalid-request', 'body'],
      [
        'an update with owner for scope 2',
        'PATCH',
        '/NoLogin?scope=2&owner=u1',
        { status: 'running' },
        400,
        'invalid-request',
        'owner',
      ],
      [
        'an update of a bad key',
        'PATCH',
        '/no%20spaces?scope=1',
        { status: 'running' },
        400,
        'bad-request',
        'eventKey',
      ],
      ['a delete without owner for scope 4', 'DELETE', '/NoLogin?scope=4', undefined, 400, 'invalid-request', 'owner'],
    ] as const)('%s', async (_, method, path, body, status, type, field) => {
      await start({ eventKey: 'NoLogin', scope: 1 });
      const head = await store.headPosition();
      const response = method === 'POST' ? await start(body) : await send(method, `${base}/system-events${path}`, body);
      expect(response.statusCode).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ type: `/problems/${type}` });
      if (field) expect(response.json().errors.map((error: { field: string }) => error.field)).toContain(field);
      expect(await store.headPosition()).toBe(head);
    });

    it.each([
      ['?status=paused', 'status'],
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?limit=ten', 'limit'],
      ['?cursor=bogus', 'cursor'],
      ['?minPosition=-1', 'minPosition'],
    ])('GET %s → 400 naming %s', async (query, field) => {
      const response = await send('GET', `${base}/system-events${query}`);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ type: '/problems/bad-request', errors: [{ field }] });
    });
  });

  describe('the feed', () => {
    it('lists newest first, filters by status, and pages with a cursor that new events do not disturb', async () => {
      for (let i = 1; i <= 7; i++) await start({ eventKey: `Job${i}`, scope: 1, status: i % 2 ? 'active' : 'running' });
      expect((await synced()).items.map((item) => item.eventKey)).toEqual([
        'Job7',
        'Job6',
        'Job5',
        'Job4',
        'Job3',
        'Job2',
        'Job1',
      ]);
      expect((await feed('?status=running')).items.map((item) => item.eventKey)).toEqual(['Job6', 'Job4', 'Job2']);

      const first = await feed('?limit=3');
      expect(first.items.map((item) => item.eventKey)).toEqual(['Job7', 'Job6', 'Job5']);
      await start({ eventKey: 'Job8', scope: 1 });
      const second = await synced(`&limit=3&cursor=${first.nextCursor}`);
      expect(second.items.map((item) => item.eventKey)).toEqual(['Job4', 'Job3', 'Job2']);
      await start({ eventKey: 'Job9', scope: 1 });
      const last = await synced(`&limit=3&cursor=${second.nextCursor}`);
      expect(last).toEqual({ items: [expect.objectContaining({ eventKey: 'Job1' })], nextCursor: null });
      expect((await feed('?limit=2')).items.map((item) => item.eventKey)).toEqual(['Job9', 'Job8']);
    });

    it('is per tenant', async () => {
      await start({ eventKey: 'NoTravel', scope: 1 });
      const other = await send('POST', '/v1/tenants/Other/system-events', {
        eventKey: 'NoTravel',
        scope: 1,
        activatedBy: TEST_KEYS.admin.name,
      });
      expect(other.statusCode).toBe(201);
      expect((await synced()).items).toHaveLength(1);
      expect(
        (await send('GET', `/v1/tenants/Other/system-events?minPosition=${other.json().position}`)).json().items,
      ).toHaveLength(1);
      expect((await send('GET', '/v1/tenants/Nobody/system-events')).json()).toEqual({ items: [], nextCursor: null });
    });
  });

  describe('the backend notices', () => {
    it('a package activated, and a package rejected with its reasons: visible with the minPosition its command answered', async () => {
      const activated = await send('POST', `${base}/license-packages`, issuer.sign(packageDescription(TENANT)));
      expect(activated.statusCode).toBe(201);
      expect((await feed(`?minPosition=${activated.json().position}`)).items).toEqual([
        expect.objectContaining({
          eventKey: 'LicensePackageActivated',
          status: 'completed',
          scope: 2,
          owner: null,
          activatedBy: 'licensing-backend',
        }),
      ]);

      const tampered = issuer.sign(packageDescription(TENANT, { sequence: 2 }));
      tampered.modules[0].number = 999;
      const rejected = await send('POST', `${base}/license-packages`, tampered);
      expect(rejected.statusCode).toBe(422);
      const [notice] = (await feed(`?minPosition=${rejected.json().position}&status=failed`)).items;
      expect(notice).toMatchObject({
        eventKey: 'LicensePackageRejected',
        status: 'failed',
        activatedBy: 'licensing-backend',
      });
      expect(notice.message).toContain(`License package ${tampered.packageId} (sequence 2) of SUPEROFFICE rejected: `);
      expect(notice.message).toContain(rejected.json().reasons[0].detail);
    });

    it('a metering threshold exceeded, recorded by the metering slice', async () => {
      const { position } = await store.append(
        `metering-${TENANT}-2026-05`,
        [
          {
            type: 'MeteringThresholdExceeded',
            data: {
              tenantId: TENANT,
              month: '2026-05',
              service: 'chat-sessions',
              total: 620,
              threshold: 500,
              users: 25,
              at: '2026-05-14T09:30:00.000Z',
            },
          },
        ],
        'any',
      );
      expect((await feed(`?minPosition=${position}`)).items).toEqual([
        expect.objectContaining({
          eventKey: 'MeteringThresholdExceeded',
          status: 'active',
          activatedAt: '2026-05-14T09:30:00.000Z',
          message:
            'chat-sessions: 620 in 2026-05 is above the threshold of 500 for 25 users; the excess is billed on the next invoice',
        }),
      ]);
    });

    it('the admin-warning and grace dates, from the daily check', async () => {
      const dates = {
        expiration: '2030-01-31T00:00:00.000Z',
        graceTo: '2030-02-28T00:00:00.000Z',
        maintenanceTo: null,
        adminWarningDate: '2030-01-01T00:00:00.000Z',
        nextCheckDate: null,
      };
      const activated = await send(
        'POST',
        `${base}/license-packages`,
        issuer.sign(packageDescription(TENANT, { dates })),
      );
      await synced();
      const check = app.get<LicenseDateCheck>(LICENSE_DATE_CHECK);
      expect(await check.run('2029-12-31T23:59:59.000Z')).toEqual({ owners: 1, raised: 0 });
      expect(await check.run('2030-03-01T00:00:00.000Z')).toEqual({ owners: 1, raised: 2 });
      expect(await check.run('2030-03-02T00:00:00.000Z')).toEqual({ owners: 1, raised: 0 });
      expect((await synced()).items.map((item) => [item.eventKey, item.activatedAt])).toEqual([
        ['LicenseGraceExpired', '2030-03-01T00:00:00.000Z'],
        ['LicenseAdminWarning', '2030-03-01T00:00:00.000Z'],
        ['LicensePackageActivated', expect.any(String)],
      ]);
      expect(activated.statusCode).toBe(201);
    });
  });

  it('reports the notice process managers in /health', async () => {
    const position = (await send('POST', `${base}/license-packages`, issuer.sign(packageDescription(TENANT)))).json()
      .position;
    await feed(`?minPosition=${position}`);
    expect((await send('GET', '/health')).json()).toMatchObject({
      status: 'ok',
      processManagers: {
        failed: false,
        positions: [
          { name: 'package-notices', position },
          { name: 'metering-notices', position: null },
        ],
      },
    });
  });
});
