import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { Issuer, makeIssuer, packageDescription } from '../../../test/support/signed-packages';
import { requestSender, startTestApp } from '../../../test/support/test-app';
import { testConfig } from '../../../test/support/test-config';

const [A, B] = ['CustA1234', 'CustB1234'];
const REUSED = '/problems/idempotency-key-reused';

/**
 * Issue 13, item 7: an Idempotency-Key names one request across every stream. The same key with a different
 * request — on another tenant's ledger, on metering, concurrently — answers 422 and writes nothing; the same request
 * again, even after a restart, answers the first answer, position included.
 */
describe('Idempotency keys across streams over HTTP', () => {
  let issuer: Issuer;
  let config: AppConfig;
  let app: NestFastifyApplication;
  const store = () => app.get<EventStore>(EVENT_STORE);

  beforeAll(() => (issuer = makeIssuer()));
  beforeEach(async () => {
    // Only the requests' own writes move the head: the asynchronous notices stay off.
    config = testConfig({ LICENSING_TRUSTED_ROOTS: issuer.rootFile, LICENSING_PROCESS_MANAGERS_IN_API: 'false' });
    app = await startTestApp(config);
    for (const tenant of [A, B]) {
      const activated = await send(
        'POST',
        `/v1/tenants/${tenant}/license-packages`,
        issuer.sign(packageDescription(tenant)),
      );
      expect(activated.statusCode).toBe(201);
    }
  });
  afterEach(async () => {
    await app.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  const send = requestSender(() => app);
  const assign = (tenant: string, user: string, key: string, module = 'saint') =>
    send('POST', `/v1/tenants/${tenant}/users/${user}/licenses`, { module }, { 'idempotency-key': key });
  const usage = (tenant: string, key: string, ...days: string[]) =>
    send(
      'POST',
      `/v1/tenants/${tenant}/metered-usage`,
      {
        records: days.map((day) => ({
          usageId: `u-${day}`,
          service: 'chat-sessions',
          quantity: 1,
          occurredAt: `${day}T10:00:00.000Z`,
        })),
      },
      { 'idempotency-key': key },
    );
  const expectReused = async (answer: Promise<{ statusCode: number; json(): { type: string } }>) => {
    const head = await store().headPosition();
    const response = await answer;
    expect(response.statusCode).toBe(422);
    expect(response.json().type).toBe(REUSED);
    expect(await store().headPosition()).toBe(head);
  };

  it('refuses a key used for a different command on another stream (another tenant, another user)', async () => {
    const key = randomUUID();
    expect((await assign(A, 'u1', key)).statusCode).toBe(201);
    await expectReused(assign(B, 'u1', key));
    await expectReused(assign(A, 'u2', key));
    await expectReused(assign(B, 'u1', key.toUpperCase()));
  });

  it('refuses a ledger key on metering, and a metering key on the ledger', async () => {
    const ledgerKey = randomUUID();
    expect((await assign(A, 'u1', ledgerKey)).statusCode).toBe(201);
    await expectReused(usage(A, ledgerKey, '2026-01-10'));
    const meteringKey = randomUUID();
    expect((await usage(B, meteringKey, '2026-01-10')).statusCode).toBe(202);
    await expectReused(assign(B, 'u1', meteringKey));
    await expectReused(usage(A, meteringKey, '2026-01-10'));
  });

  it('answers the same metering request over several months like a retry, once per request', async () => {
    const key = randomUUID();
    const first = await usage(A, key, '2026-01-10', '2026-02-10', '2026-03-10');
    expect(first.statusCode).toBe(202);
    expect(first.json()).toMatchObject({ accepted: 3, duplicates: 0 });
    const head = await store().headPosition();
    const again = await usage(A, key, '2026-01-10', '2026-02-10', '2026-03-10');
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual(first.json());
    expect(await store().headPosition()).toBe(head);
    // The key travelled to every month's events, once per request, with one fingerprint.
    const months = await store().readAll({ filter: { streamPrefix: `metering-${A}` } });
    expect(months.length).toBe(3);
    expect(new Set(months.map((event) => `${event.metadata.idempotencyKey}|${event.metadata.requestHash}`)).size).toBe(
      1,
    );
    await expectReused(usage(A, key, '2026-01-10', '2026-02-10'));
  });

  it('of two concurrent different requests with one key, one is recorded and the other refused', async () => {
    const key = randomUUID();
    const head = await store().headPosition();
    const answers = await Promise.all([assign(A, 'u1', key), assign(B, 'u1', key), usage(A, key, '2026-01-10')]);
    const statuses = answers.map((answer) => answer.statusCode);
    expect(statuses.filter((status) => status === 422)).toHaveLength(2);
    expect(statuses.filter((status) => status === 201 || status === 202)).toHaveLength(1);
    for (const answer of answers.filter((one) => one.statusCode === 422)) expect(answer.json().type).toBe(REUSED);
    const written = await store().readAll({ afterPosition: head ?? undefined });
    expect(new Set(written.map((event) => event.stream)).size).toBe(1);
  });

  it('answers concurrent identical requests with one key like retries: one write, one answer', async () => {
    const key = randomUUID();
    const head = await store().headPosition();
    const answers = await Promise.all([assign(A, 'u1', key), assign(A, 'u1', key), assign(A, 'u1', key)]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([201, 201, 201]);
    expect(new Set(answers.map((answer) => answer.body)).size).toBe(1);
    // One write: every event since carries the key, and the last is the answer's position (a second write would
    // come after it).
    const written = await store().readAll({ afterPosition: head ?? undefined });
    expect(written.every((event) => event.metadata.idempotencyKey === key)).toBe(true);
    expect(written[written.length - 1].position).toBe(BigInt(answers[0].json().position));
  });

  it('looks a key up once per request that carries one, and never for a request without a key', async () => {
    const lookups = jest.spyOn(store(), 'idempotencyKey');
    expect((await usage(A, randomUUID(), '2026-01-10')).statusCode).toBe(202);
    expect((await assign(A, 'u1', randomUUID())).statusCode).toBe(201);
    expect(lookups).toHaveBeenCalledTimes(2);
    const keyless = await send('POST', `/v1/tenants/${A}/users/u2/licenses`, { module: 'saint' });
    expect(keyless.statusCode).toBe(201);
    expect(lookups).toHaveBeenCalledTimes(2);
    lookups.mockRestore();
  });

  it('binds nothing for a refused command: its key stays free for another request', async () => {
    const key = randomUUID();
    const refused = await assign(A, 'u1', key, 'ghost');
    expect(refused.statusCode).toBe(422);
    expect(refused.json().type).toBe('/problems/unknown-module');
    expect((await assign(B, 'u1', key)).statusCode).toBe(201);
  });

  it('after a restart, a repeat answers the original position and a different request is still refused', async () => {
    const key = randomUUID();
    const first = await assign(A, 'u1', key);
    expect(first.statusCode).toBe(201);
    // Later appends, so that the head is past the first answer's position when the repeat comes.
    expect((await assign(A, 'u2', randomUUID())).statusCode).toBe(201);
    await app.close();
    app = await startTestApp(config);
    const again = await assign(A, 'u1', key);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(BigInt(again.json().position)).toBeLessThan((await store().headPosition())!);
    await expectReused(assign(B, 'u9', key));
  });
});
