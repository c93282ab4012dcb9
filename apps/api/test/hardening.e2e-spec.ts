import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { Issuer, makeIssuer, packageDescription, sampleModules } from '../../../test/support/signed-packages';
import { requestSender, startTestApp } from '../../../test/support/test-app';
import { testConfig } from '../../../test/support/test-config';

const TENANT = 'Cust12345';
const base = `/v1/tenants/${TENANT}`;
const PROBLEM = /^application\/problem\+json/;

/** Issue 13, items 3, 4, 5 and 7 over HTTP: each answer is problem+json, and a refusal writes nothing. */
describe('Hardening over HTTP (issue 13)', () => {
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
  const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

  it('item 3: deep JSON, a null PATCH body and a crafted cursor answer 400, not 500', async () => {
    for (const [method, url] of [
      ['POST', `${base}/metered-usage`],
      ['POST', `${base}/system-events`],
      ['PATCH', `${base}/system-events/NoLogin?scope=1`],
      ['POST', `${base}/license-packages`],
    ] as const) {
      const deep = await send(method, url, nested(2000));
      expect([deep.statusCode, deep.headers['content-type']]).toEqual([400, expect.stringMatching(PROBLEM)]);
      expect(deep.json()).toMatchObject({ type: '/problems/invalid-request' });
      const empty = await send(method, url, 'null');
      expect([empty.statusCode, empty.json().type]).toEqual([400, '/problems/invalid-request']);
    }
    const cursor = Buffer.from(JSON.stringify([{ sequence: 1 }, 'x'])).toString('base64url');
    const crafted = await send('GET', `${base}/system-events?cursor=${cursor}`);
    expect([crafted.statusCode, crafted.headers['content-type']]).toEqual([400, expect.stringMatching(PROBLEM)]);
    expect(await store.headPosition()).toBeNull();
  });

  it("item 4: Fastify's own answers are problem+json: a bad URL, an over-long parameter, and user ids as long as the rule allows reach the route", async () => {
    const badUrl = await send('GET', '/v1/tenants/%ZZ/licenses');
    expect([badUrl.statusCode, badUrl.headers['content-type']]).toEqual([400, expect.stringMatching(PROBLEM)]);
    expect(badUrl.json()).toMatchObject({ type: '/problems/bad-request', status: 400 });
    const overLong = await send('GET', `${base}/users/${'u'.repeat(2000)}/licenses`);
    expect([overLong.statusCode, overLong.headers['content-type']]).toEqual([414, expect.stringMatching(PROBLEM)]);
    // The longest valid user id, every character after the first percent-encoded, is within Fastify's limit.
    const longest = `u${'%40'.repeat(127)}`;
    const reached = await send('GET', `${base}/users/${longest}/licenses`);
    expect(reached.statusCode).toBe(200);
    expect(reached.json().userId).toBe(`u${'@'.repeat(127)}`);
    const tooLongId = await send('GET', `${base}/users/${'u'.repeat(129)}/licenses`);
    expect([tooLongId.statusCode, tooLongId.json().type]).toEqual([400, '/problems/bad-request']);
  });

  it('item 4: over-large headers (431) answer problem+json on the socket', async () => {
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () =>
        socket.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('utf8')));
      socket.on('close', () => resolve(text));
      socket.on('error', (error: NodeJS.ErrnoException) =>
        error.code === 'ECONNRESET' || error.code === 'EPIPE' ? resolve(text) : reject(error),
      );
    });
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    expect(raw).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({
      type: '/problems/headers-too-large',
      status: 431,
    });
  });

  it('item 4: requests that arrive while the server closes answer 503 problem+json', async () => {
    const fastify = app.getHttpAdapter().getInstance();
    // preClose hooks run first, synchronously with close(): the next request meets a closing server.
    const closing = fastify.close();
    const answer = await fastify.inject({ method: 'GET', url: `${base}/licenses` });
    await closing;
    expect([answer.statusCode, answer.headers['content-type']]).toEqual([503, expect.stringMatching(PROBLEM)]);
    expect(answer.json()).toMatchObject({ type: '/problems/shutting-down', status: 503 });
  });

  it('item 5: null and "" both mean "no prerequisite" (and none for every optional text field)', async () => {
    const modules = sampleModules().map((row) =>
      row.name === 'saint'
        ? { ...row, prerequisite: null, tooltip: null, version: null, extraInfo: null, description: null }
        : row,
    );
    const signed = issuer.sign(
      packageDescription(TENANT, {
        modules,
        owner: { name: 'SUPEROFFICE', description: null },
        licensee: { companyName: 'Acme', serialNumber: '4021234567', databaseType: null },
      }),
    );
    const activated = await send('POST', `${base}/license-packages`, signed);
    expect(activated.statusCode).toBe(201);
    expect((await send('POST', `${base}/users/u1/licenses`, { module: 'saint' })).statusCode).toBe(201);
    const list = await send('GET', `${base}/licenses?minPosition=${activated.json().position}`);
    const saint = list.json().owners[0].licenses.find((license: { module: string }) => license.module === 'saint');
    expect(saint).toMatchObject({ description: '' });
    expect(list.json().owners[0]).toMatchObject({ description: '', databaseType: '' });
  });

  it('item 7: one 400 type for invalid bodies; unknown fields refused on metered usage too', async () => {
    expect((await send('POST', `${base}/license-packages`, issuer.sign(packageDescription(TENANT)))).statusCode).toBe(
      201,
    );
    const record = { usageId: 'u1', service: 'chat-sessions', quantity: 1, occurredAt: new Date().toISOString() };
    for (const body of [
      { ...record, extra: 1 },
      { records: [{ ...record, qty: 2 }] },
      { records: [record], other: true },
      { records: 'x' },
    ]) {
      const answer = await send('POST', `${base}/metered-usage`, body);
      expect([answer.statusCode, answer.json().type]).toEqual([400, '/problems/invalid-request']);
    }
    const fractional = await send('POST', `${base}/metered-usage`, { ...record, quantity: 0.001 });
    expect([fractional.statusCode, fractional.json().type]).toEqual([422, '/problems/usage-rejected']);
    const unknownField = await send('POST', `${base}/system-events`, { eventKey: 'NoLogin', scope: 1, extra: 1 });
    expect([unknownField.statusCode, unknownField.json().type]).toEqual([400, '/problems/invalid-request']);
    // (The package's notice is appended to systemevents- meanwhile: what these requests could write is metering.)
    expect(await store.readAll({ filter: { streamPrefix: 'metering-' } })).toEqual([]);
  });

  it('item 7: a PATCH that changes nothing is a 400, and reserved keys are reserved in any case', async () => {
    const started = await send('POST', `${base}/system-events`, {
      eventKey: 'NoLogin',
      scope: 1,
      message: 'maintenance',
    });
    expect(started.statusCode).toBe(201);
    const head = await store.headPosition();
    const same = await send('PATCH', `${base}/system-events/NoLogin?scope=1`, {
      message: 'maintenance',
      status: 'active',
    });
    expect([same.statusCode, same.json().type]).toEqual([400, '/problems/invalid-request']);
    const reserved = await send('POST', `${base}/system-events`, { eventKey: 'licensepackageactivated', scope: 2 });
    expect([reserved.statusCode, reserved.json().type]).toEqual([422, '/problems/reserved-event-key']);
    expect(await store.headPosition()).toBe(head);
  });
});
