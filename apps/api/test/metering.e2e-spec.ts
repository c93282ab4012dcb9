import { rmSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import type { LicensePackage } from '@app/domain';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { Issuer, makeIssuer, packageDescription } from '../../../test/support/signed-packages';
import { requestSender, startTestApp } from '../../../test/support/test-app';
import { testConfig } from '../../../test/support/test-config';

const TENANT = 'Cust12345';
const base = `/v1/tenants/${TENANT}`;
const JANUARY = '2026-01';
const FEBRUARY = '2026-02';
const inJanuary = (day: number) => `2026-01-${String(day).padStart(2, '0')}T10:00:00.000Z`;

describe('Metered usage over HTTP', () => {
  let issuer: Issuer;
  let config: AppConfig;
  let app: NestFastifyApplication;
  let licensePackage: LicensePackage;

  beforeAll(() => {
    issuer = makeIssuer();
    licensePackage = issuer.sign(packageDescription(TENANT));
  });
  // Metering is for tenants that exist: each test starts with the tenant's package activated.
  beforeEach(async () => {
    config = testConfig({ LICENSING_TRUSTED_ROOTS: issuer.rootFile });
    app = await startTestApp(config);
    expect((await send('POST', `${base}/license-packages`, licensePackage)).statusCode).toBe(201);
  });
  afterEach(async () => {
    await app.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  const send = requestSender(() => app);
  const usage = (usageId: string, service: string, quantity: number, occurredAt = inJanuary(10)) => ({
    usageId,
    service,
    quantity,
    occurredAt,
  });
  const month = async (name: string, position: string) => {
    const answer = await send('GET', `${base}/metering/${name}?minPosition=${position}`);
    expect(answer.statusCode).toBe(200);
    return answer.json();
  };
  const totalOf = (view: { services: Array<{ service: string; total: number }> }, service: string) =>
    view.services.find((line) => line.service === service)?.total;
  const storedTypes = async () =>
    (await app.get<EventStore>(EVENT_STORE).readAll({ filter: { streamPrefix: 'metering-' } })).map(
      (event) => event.type,
    );

  it('records one usage record and shows it in the month', async () => {
    const answer = await send('POST', `${base}/metered-usage`, usage('u-1', 'chat-sessions', 3));
    expect(answer.statusCode).toBe(202);
    expect(answer.json()).toMatchObject({ accepted: 1, duplicates: 0, rejected: [] });
    const view = await month(JANUARY, answer.json().position);
    expect(view).toMatchObject({ month: JANUARY, users: 0, closed: false, adjustments: [] });
    expect(view.services.find((line: { service: string }) => line.service === 'chat-sessions')).toEqual({
      service: 'chat-sessions',
      unit: 'sessions',
      total: 3,
      threshold: 500,
      overage: 0,
    });
  });

  it('counts a usage id once when 20 requests carry it at the same time', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => send('POST', `${base}/metered-usage`, usage('same', 'mailing-emails', 250))),
    );
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(20).fill(202));
    const bodies = answers.map((answer) => answer.json());
    expect(bodies.reduce((sum, body) => sum + body.accepted, 0)).toBe(1);
    expect(bodies.reduce((sum, body) => sum + body.duplicates, 0)).toBe(19);
    const last = bodies.map((body) => BigInt(body.position)).reduce((a, b) => (a > b ? a : b));
    expect(totalOf(await month(JANUARY, String(last)), 'mailing-emails')).toBe(250);
  });

  it('counts a usage id once within a batch, across batches, and after a restart', async () => {
    const first = await send('POST', `${base}/metered-usage`, {
      records: [
        usage('a', 'form-submissions', 1),
        usage('b', 'form-submissions', 2),
        usage('a', 'form-submissions', 1),
      ],
    });
    expect(first.json()).toMatchObject({ accepted: 2, duplicates: 1 });
    const second = await send('POST', `${base}/metered-usage`, {
      records: [usage('b', 'form-submissions', 2), usage('c', 'form-submissions', 4)],
    });
    expect(second.json()).toMatchObject({ accepted: 1, duplicates: 1 });

    await app.close();
    app = await startTestApp(config);
    const third = await send('POST', `${base}/metered-usage`, {
      records: [
        usage('a', 'form-submissions', 1),
        usage('c', 'form-submissions', 4),
        usage('d', 'form-submissions', 8),
      ],
    });
    expect(third.json()).toMatchObject({ accepted: 1, duplicates: 2 });
    expect(totalOf(await month(JANUARY, third.json().position), 'form-submissions')).toBe(1 + 2 + 4 + 8);
  });

  it('keeps the valid records of a batch and names each refused one with its reasons', async () => {
    const answer = await send('POST', `${base}/metered-usage`, {
      records: [
        usage('ok-1', 'chat-sessions', 2),
        usage('bad-service', 'fax-pages', 2),
        usage('bad-quantity', 'chat-sessions', -1),
        usage('future', 'chat-sessions', 1, '2099-01-01T00:00:00.000Z'),
        usage('zero-storage', 'storage', 0),
        'not a record',
      ],
    });
    expect(answer.statusCode).toBe(202);
    const body = answer.json();
    expect(body).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(body.rejected).toEqual([
      { index: 1, usageId: 'bad-service', reasons: ["service 'fax-pages' is not a metered service"] },
      { index: 2, usageId: 'bad-quantity', reasons: ['quantity must be above zero'] },
      { index: 3, usageId: 'future', reasons: ['occurredAt lies more than 5 minutes in the future'] },
      { index: 5, usageId: null, reasons: ['a usage record must be an object'] },
    ]);
  });

  it('refuses a request none of whose records can be counted, and writes nothing', async () => {
    const single = await send('POST', `${base}/metered-usage`, usage('nan', 'chat-sessions', Number.NaN));
    expect(single.statusCode).toBe(422);
    expect(single.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(single.json()).toMatchObject({
      type: '/problems/usage-rejected',
      rejected: [{ index: 0, usageId: 'nan', reasons: ['quantity must be a finite number'] }],
    });
    const batch = await send('POST', `${base}/metered-usage`, {
      records: [usage('x', 'nope', 1), usage('y', 'storage', -2)],
    });
    expect(batch.statusCode).toBe(422);
    const tooMany = await send('POST', `${base}/metered-usage`, {
      records: Array.from({ length: 1001 }, (_, i) => usage(`r${i}`, 'chat-sessions', 1)),
    });
    expect(tooMany.statusCode).toBe(400);
    expect((await send('POST', `${base}/metered-usage`, { records: [] })).statusCode).toBe(400);
    expect((await send('POST', `${base}/metered-usage`, [usage('arr', 'chat-sessions', 1)])).statusCode).toBe(400);
    expect(await storedTypes()).toEqual([]);
  });

  it('raises the threshold with the plan holders of the ledger and records its first crossing once', async () => {
    for (const user of ['p1', 'p2', 'p3'])
      expect((await send('POST', `${base}/users/${user}/licenses`, { module: 'sales-premium' })).statusCode).toBe(201);
    // storage: base 10 GB + 1 GB per user; 3 plan holders → 13 GB.
    const below = await send('POST', `${base}/metered-usage`, usage('s1', 'storage', 13));
    expect(below.json().accepted).toBe(1);
    const above = await send('POST', `${base}/metered-usage`, {
      records: [usage('s2', 'storage', 14), usage('s3', 'storage', 15)],
    });
    const again = await send('POST', `${base}/metered-usage`, usage('s4', 'storage', 20));
    const view = await month(JANUARY, again.json().position);
    expect(view.users).toBe(3);
    expect(view.services.find((line: { service: string }) => line.service === 'storage')).toEqual({
      service: 'storage',
      unit: 'GB',
      total: 20,
      threshold: 13,
      overage: 7,
    });
    expect(above.json().accepted).toBe(2);
    const crossings = (
      await app.get<EventStore>(EVENT_STORE).readAll({ filter: { eventTypes: ['MeteringThresholdExceeded'] } })
    ).map((event) => event.data);
    expect(crossings).toEqual([
      expect.objectContaining({
        tenantId: TENANT,
        month: JANUARY,
        service: 'storage',
        total: 15,
        threshold: 13,
        users: 3,
      }),
    ]);

    // The backend's own notice on the status feed, raised once for the crossing.
    const feed = (await send('GET', `${base}/system-events?minPosition=${again.json().position}`)).json();
    const notices = feed.items.filter((item: { eventKey: string }) => item.eventKey === 'MeteringThresholdExceeded');
    expect(notices).toHaveLength(1);
    expect(notices[0].message).toMatch(/^storage: 15 in 2026-01 is above the threshold of 13 for 3 users/);
  });

  it('closes a month once, and carries late usage onto the next month exactly once as an adjustment', async () => {
    await send('POST', `${base}/metered-usage`, {
      records: [usage('j1', 'chat-sessions', 480), usage('j2', 'storage', 9)],
    });
    const closed = await send('POST', `${base}/metering/${JANUARY}/close`);
    expect(closed.statusCode).toBe(200);
    const lines = closed.json().lines;
    expect(lines.find((line: { service: string }) => line.service === 'chat-sessions')).toEqual({
      service: 'chat-sessions',
      unit: 'sessions',
      total: 480,
      threshold: 500,
      overage: 0,
    });
    const twice = await send('POST', `${base}/metering/${JANUARY}/close`);
    expect(twice.json().lines).toEqual(lines);

    // 30 late sessions: January's total would have been 510, 10 above its threshold of 500.
    const late = await send('POST', `${base}/metered-usage`, {
      records: [usage('late-1', 'chat-sessions', 30, inJanuary(31)), usage('j1', 'chat-sessions', 480)],
    });
    expect(late.json()).toMatchObject({ accepted: 1, duplicates: 1 });
    const resent = await send('POST', `${base}/metered-usage`, usage('late-1', 'chat-sessions', 30, inJanuary(31)));
    expect(resent.json()).toMatchObject({ accepted: 0, duplicates: 1 });

    const january = await month(JANUARY, resent.json().position);
    expect(totalOf(january, 'chat-sessions')).toBe(480);
    const february = await month(FEBRUARY, resent.json().position);
    expect(totalOf(february, 'chat-sessions')).toBe(0);
    expect(february.adjustments).toEqual([
      { service: 'chat-sessions', unit: 'sessions', total: 30, threshold: 500, overage: 10, adjusts: JANUARY },
    ]);

    const februaryClosed = (await send('POST', `${base}/metering/${FEBRUARY}/close`)).json();
    expect(februaryClosed.lines.filter((line: { adjusts?: string }) => line.adjusts)).toEqual([
      { service: 'chat-sessions', unit: 'sessions', total: 30, threshold: 500, overage: 10, adjusts: JANUARY },
    ]);
    // After February closed too, more late January usage walks on to March, measured against what is billed.
    const later = await send('POST', `${base}/metered-usage`, {
      records: [
        usage('late-2', 'chat-sessions', 5, inJanuary(20)),
        usage('late-1', 'chat-sessions', 30, inJanuary(31)),
      ],
    });
    expect(later.json()).toMatchObject({ accepted: 1, duplicates: 1 });
    const march = await month('2026-03', later.json().position);
    expect(march.adjustments).toEqual([
      { service: 'chat-sessions', unit: 'sessions', total: 5, threshold: 500, overage: 5, adjusts: JANUARY },
    ]);
    const types = await storedTypes();
    expect(types.filter((type) => type === 'LateUsageRecorded')).toHaveLength(2);
    expect(types.filter((type) => type === 'MeteringMonthClosed')).toHaveLength(2);
  });

  it('refuses to close a month that has not ended, and a malformed month', async () => {
    const current = new Date().toISOString().slice(0, 7);
    const refused = await send('POST', `${base}/metering/${current}/close`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ type: '/problems/month-not-ended' });
    expect((await send('POST', `${base}/metering/2026-13/close`)).statusCode).toBe(400);
    expect((await send('GET', `${base}/metering/january`)).statusCode).toBe(400);
    expect(await storedTypes()).toEqual([]);
  });

  it('shows the current month on the status tab', async () => {
    const now = new Date().toISOString();
    const recorded = await send('POST', `${base}/metered-usage`, usage('now-1', 'customer-centre-logins', 7, now));
    const status = await send('GET', `${base}/status?minPosition=${recorded.json().position}`);
    expect(status.statusCode).toBe(200);
    expect(status.json().metering.month).toBe(now.slice(0, 7));
    expect(
      status.json().metering.services.find((line: { service: string }) => line.service === 'customer-centre-logins'),
    ).toMatchObject({ total: 7 });
  });
});

describe('Metered usage over HTTP: hardening (issue 13)', () => {
  let issuer: Issuer;
  let config: AppConfig;
  let app: NestFastifyApplication;

  beforeAll(() => (issuer = makeIssuer()));
  beforeEach(async () => {
    config = testConfig({ LICENSING_TRUSTED_ROOTS: issuer.rootFile });
    app = await startTestApp(config);
  });
  afterEach(async () => {
    await app.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  const send = requestSender(() => app);
  const usage = (usageId: string, service: string, quantity: number, occurredAt = inJanuary(10)) => ({
    usageId,
    service,
    quantity,
    occurredAt,
  });
  const head = () => app.get<EventStore>(EVENT_STORE).headPosition();
  // The package's notice is appended asynchronously after activation: what metering writes is in its own streams.
  const meteringEvents = async () =>
    (await app.get<EventStore>(EVENT_STORE).readAll({ filter: { streamPrefix: 'metering-' } })).length;
  const activate = async () =>
    expect((await send('POST', `${base}/license-packages`, issuer.sign(packageDescription(TENANT)))).statusCode).toBe(
      201,
    );

  it('item 1: huge quantities never reach a total that is not finite; the process keeps serving', async () => {
    await activate();
    const batch = await send('POST', `${base}/metered-usage`, {
      records: [usage('h1', 'mailing-emails', 1e308), usage('h2', 'mailing-emails', 1e308)],
    });
    expect(batch.statusCode).toBe(422);
    expect(batch.json().rejected.map((problem: { reasons: string[] }) => problem.reasons)).toEqual([
      [expect.stringMatching(/count: a whole number/)],
      [expect.stringMatching(/count: a whole number/)],
    ]);
    // Sent as two requests that each fit, the second would overflow the month's total: refused with a reason.
    expect(await meteringEvents()).toBe(0);
    expect((await send('POST', `${base}/metered-usage`, usage('big-1', 'chat-sessions', 2 ** 52))).statusCode).toBe(
      202,
    );
    const afterFirst = await meteringEvents();
    const second = await send('POST', `${base}/metered-usage`, usage('big-2', 'chat-sessions', 2 ** 52));
    expect(second.statusCode).toBe(422);
    expect(second.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(second.json()).toMatchObject({ type: '/problems/usage-overflow', service: 'chat-sessions' });
    expect(await meteringEvents()).toBe(afterFirst);
    // The month can still be closed and invoiced.
    const closed = await send('POST', `${base}/metering/${JANUARY}/close`);
    expect(closed.statusCode).toBe(200);
    expect(closed.json().lines.find((line: { service: string }) => line.service === 'chat-sessions')).toMatchObject({
      total: 2 ** 52,
    });
  });

  it('item 2: a month the calendar cannot end is refused, both ways, and writes nothing', async () => {
    await activate();
    for (const month of ['9999-12', '0000-01', '1969-12']) {
      const answer = await send('POST', `${base}/metering/${month}/close`);
      expect(answer.statusCode).toBe(400);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((await send('GET', `${base}/metering/${month}`)).statusCode).toBe(400);
    }
    expect(await meteringEvents()).toBe(0);
  });

  it('item 6: usage for a tenant without a package, and closing a month before the tenant existed, answer 404 and write nothing', async () => {
    const usageAnswer = await send('POST', `${base}/metered-usage`, usage('u-1', 'chat-sessions', 3));
    expect(usageAnswer.statusCode).toBe(404);
    expect(usageAnswer.json()).toMatchObject({ type: '/problems/unknown-tenant' });
    expect((await send('POST', `${base}/metering/${JANUARY}/close`)).json()).toMatchObject({
      status: 404,
      type: '/problems/unknown-tenant',
    });
    expect(await head()).toBeNull();
    await activate();
    // The package was activated now: a month that ended before, with no usage, was not the tenant's.
    const early = await send('POST', `${base}/metering/2025-06/close`);
    expect(early.statusCode).toBe(404);
    expect(early.json()).toMatchObject({ type: '/problems/unknown-tenant' });
    expect(await meteringEvents()).toBe(0);
  });
});
