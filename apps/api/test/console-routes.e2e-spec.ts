import { rmSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { Issuer, makeIssuer, packageDescription, sampleModules } from '../../../test/support/signed-packages';
import { requestSender, startTestApp } from '../../../test/support/test-app';
import { testConfig } from '../../../test/support/test-config';
import { authHeaders, bearer, KEYED_TENANT, TEST_KEYS } from '../../../test/support/test-credentials';
import { openPositions } from './support/position-stream';

const TENANT = 'Cust1';
const OTHER = 'Cust12';
const base = `/v1/tenants/${TENANT}`;

describe('The console routes: tenants, packages, metering months, one system event, live positions', () => {
  let issuer: Issuer;
  let config: AppConfig;
  let app: NestFastifyApplication;
  const send = requestSender(() => app);

  beforeAll(() => (issuer = makeIssuer()));
  beforeEach(async () => {
    config = testConfig({ LICENSING_TRUSTED_ROOTS: issuer.rootFile, LICENSING_MIN_POSITION_TIMEOUT_MS: '3000' });
    app = await startTestApp(config);
  });
  afterEach(async () => {
    await app.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  /** The position of the first event of the tenant's system-events stream, once it is there. */
  async function noticePosition(tenant: string): Promise<string> {
    const subscription = app.get<EventStore>(EVENT_STORE).subscribeToAll();
    try {
      for await (const event of subscription)
        if (event.stream === `systemevents-${tenant}`) return String(event.position);
    } finally {
      await subscription.stop();
    }
    throw new Error(`no system event of ${tenant}`);
  }

  const head = async () => String((await app.get<EventStore>(EVENT_STORE).headPosition()) ?? 0n);

  it('lists every tenant with its licensee and last activity, a page at a time', async () => {
    await send('POST', `${base}/license-packages`, issuer.sign(packageDescription(TENANT)));
    const other = packageDescription(OTHER, {
      licensee: { companyName: 'Other BV', serialNumber: '999', databaseType: 'Online' },
    });
    await send('POST', `/v1/tenants/${OTHER}/license-packages`, issuer.sign(other));
    // The tenant's last activity is the notice the process manager appends after the activation: waited for on the
    // store's subscription, so the listing is asked at its position (the activation's own position races it).
    const position = await noticePosition(OTHER);

    const all = await send('GET', `/v1/tenants?minPosition=${position}`);
    expect(all.statusCode).toBe(200);
    expect(all.json().items).toEqual([
      {
        tenantId: TENANT,
        owners: ['SUPEROFFICE'],
        planHolders: 0,
        companyName: 'Acme Corp',
        serialNumber: '4021234567',
        lastActivityAt: expect.any(String),
        lastPosition: expect.any(String),
      },
      {
        tenantId: OTHER,
        owners: ['SUPEROFFICE'],
        planHolders: 0,
        companyName: 'Other BV',
        serialNumber: '999',
        lastActivityAt: expect.any(String),
        lastPosition: position,
      },
    ]);
    const first = (await send('GET', '/v1/tenants?limit=1')).json();
    expect(first.items.map((t: { tenantId: string }) => t.tenantId)).toEqual([TENANT]);
    const second = (await send('GET', `/v1/tenants?limit=1&cursor=${encodeURIComponent(first.nextCursor)}`)).json();
    expect(second).toEqual({ items: [expect.objectContaining({ tenantId: OTHER })], nextCursor: null });
  });

  it('lists the packages a tenant was sent, newest first, with the reasons of a rejection and the actor', async () => {
    const first = issuer.sign(packageDescription(TENANT));
    await send('POST', `${base}/license-packages`, first);
    // The same sequence again is older than (not newer than) the active package: refused, and recorded.
    const stale = await send(
      'POST',
      `${base}/license-packages`,
      issuer.sign(packageDescription(TENANT, { modules: sampleModules().slice(0, 4) })),
    );
    expect(stale.statusCode).toBe(422);

    const list = await send('GET', `${base}/license-packages?minPosition=${stale.json().position}`);
    expect(list.statusCode).toBe(200);
    const [rejected, activated] = list.json().items;
    expect(rejected).toMatchObject({
      outcome: 'rejected',
      owner: 'SUPEROFFICE',
      sequence: 1,
      actor: TEST_KEYS.admin.name,
      position: stale.json().position,
    });
    expect(rejected.reasons.map((r: { code: string }) => r.code)).toContain('sequence-not-newer');
    expect(activated).toMatchObject({
      outcome: 'activated',
      packageId: first.packageId,
      sequence: 1,
      companyName: 'Acme Corp',
      reasons: [],
    });
    expect(list.json().nextCursor).toBeNull();
    expect((await send('GET', `/v1/tenants/${OTHER}/license-packages`)).json()).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('lists the metering months with their totals, oldest first', async () => {
    await send('POST', `${base}/license-packages`, issuer.sign(packageDescription(TENANT)));
    const thisMonth = new Date().toISOString().slice(0, 7);
    const { position } = (
      await send('POST', `${base}/metered-usage`, {
        records: [
          { usageId: 'a', service: 'chat-sessions', quantity: 3, occurredAt: '2026-01-15T10:00:00Z' },
          { usageId: 'b', service: 'chat-sessions', quantity: 4, occurredAt: new Date().toISOString() },
          { usageId: 'c', service: 'storage', quantity: 7, occurredAt: new Date().toISOString() },
        ],
      })
    ).json();
    const answer = await send('GET', `${base}/metering?minPosition=${position}`);
    expect(answer.statusCode).toBe(200);
    const months = answer.json().months as Array<{
      month: string;
      closed: boolean;
      services: Array<{ service: string; total: number; threshold: number }>;
    }>;
    expect(months.map((m) => m.month)).toEqual(
      ['2026-01', thisMonth].filter((m, i, all) => all.indexOf(m) === i).sort(),
    );
    const total = (month: string, service: string) =>
      months.find((m) => m.month === month)!.services.find((s) => s.service === service)!.total;
    expect(total('2026-01', 'chat-sessions')).toBe(thisMonth === '2026-01' ? 7 : 3);
    expect(total(thisMonth, 'storage')).toBe(7);
    expect((await send('GET', `/v1/tenants/${OTHER}/metering`)).json()).toEqual({ months: [] });
  });

  it('answers one live system event by its key, 404 when none is live, 400 for a bad key', async () => {
    const started = await send('POST', `${base}/system-events`, {
      eventKey: 'FreetextRebuild',
      scope: 4,
      owner: 'u7',
      message: 'Rebuilding',
    });
    expect(started.statusCode).toBe(201);
    const { position } = started.json();
    const found = await send('GET', `${base}/system-events/FreetextRebuild?scope=4&owner=u7&minPosition=${position}`);
    expect(found.statusCode).toBe(200);
    expect(found.json()).toMatchObject({
      eventKey: 'FreetextRebuild',
      scope: 4,
      owner: 'u7',
      message: 'Rebuilding',
      activatedBy: TEST_KEYS.admin.name,
      status: 'active',
    });

    const before = await head();
    const otherOwner = await send('GET', `${base}/system-events/FreetextRebuild?scope=4&owner=u8`);
    expect(otherOwner.statusCode).toBe(404);
    expect(otherOwner.headers['content-type']).toContain('application/problem+json');
    expect(otherOwner.json().type).toBe('/problems/system-event-not-found');
    const noScope = await send('GET', `${base}/system-events/FreetextRebuild`);
    expect(noScope.statusCode).toBe(400);
    expect(noScope.json().errors).toEqual([expect.objectContaining({ field: 'scope' })]);
    expect((await send('GET', `/v1/tenants?limit=0`)).statusCode).toBe(400);
    expect((await send('GET', `${base}/license-packages?cursor=nonsense`)).statusCode).toBe(400);
    expect(await head()).toBe(before);
  });

  it("streams the tenant's new positions as server-sent events, and no other tenant's", async () => {
    await app.listen(0, '127.0.0.1');
    await send('POST', `${base}/license-packages`, issuer.sign(packageDescription(TENANT)));
    await send('POST', `/v1/tenants/${OTHER}/license-packages`, issuer.sign(packageDescription(OTHER)));
    const stream = await openPositions(`${await app.getUrl()}${base}/positions`, authHeaders());
    try {
      expect(stream.contentType).toContain('text/event-stream');
      expect(await stream.next()).toEqual({ event: 'ready', data: { position: await head() } });
      // Cust12's streams share Cust1's prefixes; the stream must still leave them out.
      await send('POST', `/v1/tenants/${OTHER}/users/x/licenses`, { module: 'saint' });
      const assigned = (await send('POST', `${base}/users/u1/licenses`, { module: 'saint' })).json();
      expect(await stream.next()).toEqual({
        event: 'position',
        data: { position: assigned.position, stream: `ledger-${TENANT}`, type: 'LicenseAssigned' },
      });
    } finally {
      stream.close();
    }
  });

  it('declares its access: tenants for admins and auditors of every tenant, the rest for every role of the tenant', async () => {
    const keyed = `/v1/tenants/${KEYED_TENANT}`;
    const activated = (
      await send('POST', `${keyed}/license-packages`, issuer.sign(packageDescription(KEYED_TENANT)))
    ).json();
    // The activation's notice is appended by a process manager; once the feed shows it, nothing else will be written.
    await send('GET', `${keyed}/system-events?minPosition=${activated.position}`);
    const before = await head();
    const as = (key: (typeof TEST_KEYS)[keyof typeof TEST_KEYS]) => ({ authorization: bearer(key) });

    expect((await send('GET', '/v1/tenants', undefined, as(TEST_KEYS.allAuditor))).statusCode).toBe(200);
    for (const key of [TEST_KEYS.tenantAdmin, TEST_KEYS.auditor, TEST_KEYS.reader, TEST_KEYS.allService]) {
      const refused = await send('GET', '/v1/tenants', undefined, as(key));
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['content-type']).toContain('application/problem+json');
    }
    const anonymous = await send('GET', '/v1/tenants', undefined, { authorization: '' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toContain('Bearer');

    for (const path of ['license-packages', 'metering', 'session', 'system-events/FreetextRebuild?scope=1']) {
      for (const key of [TEST_KEYS.reader, TEST_KEYS.service, TEST_KEYS.auditor]) {
        expect([200, 404]).toContain((await send('GET', `${keyed}/${path}`, undefined, as(key))).statusCode);
        expect((await send('GET', `${base}/${path}`, undefined, as(key))).statusCode).toBe(403);
      }
      expect((await send('GET', `${keyed}/${path}`, undefined, { authorization: '' })).statusCode).toBe(401);
    }
    const session = (await send('GET', `${keyed}/session`, undefined, as(TEST_KEYS.reader))).json();
    expect(session).toEqual({
      tenantId: KEYED_TENANT,
      actor: TEST_KEYS.reader.name,
      role: 'reader',
      tenant: KEYED_TENANT,
      via: 'api-key',
      may: {
        activatePackages: false,
        assignLicenses: false,
        recordUsage: false,
        manageSystemEvents: false,
        query: true,
        audit: false,
        listTenants: false,
        operations: false,
        metrics: false,
      },
    });

    await app.listen(0, '127.0.0.1');
    const url = `${await app.getUrl()}${keyed}/positions`;
    expect((await fetch(url)).status).toBe(401);
    expect(
      (await fetch(`${await app.getUrl()}${base}/positions`, { headers: authHeaders(TEST_KEYS.reader) })).status,
    ).toBe(403);
    const stream = await openPositions(url, authHeaders(TEST_KEYS.reader));
    try {
      expect(await stream.next()).toEqual({ event: 'ready', data: { position: before } });
    } finally {
      stream.close();
    }
    expect(await head()).toBe(before);
  });
});
