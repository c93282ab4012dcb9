import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { parsePrometheus, sample } from '../../../test/support/prometheus-text';
import {
  Issuer,
  makeIssuer,
  packageDescription,
  sampleModules,
  unsignedRow,
} from '../../../test/support/signed-packages';
import { bearer, TEST_KEYS } from '../../../test/support/test-credentials';
import { requestSender, startTestApp } from '../../../test/support/test-app';
import { testConfig } from '../../../test/support/test-config';

const TENANT = 'Cust12345';
const base = `/v1/tenants/${TENANT}`;

describe('Prometheus metrics at /metrics', () => {
  let issuer: Issuer;
  let config: AppConfig;
  let app: NestFastifyApplication;
  const send = requestSender(() => app);

  beforeAll(async () => {
    issuer = makeIssuer();
    config = testConfig({ LICENSING_TRUSTED_ROOTS: issuer.rootFile });
    app = await startTestApp(config);
  });
  afterAll(async () => {
    await app.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  it('counts commands by outcome, times appends, and shows positions and lag once the projections caught up', async () => {
    const modules = [...sampleModules(), unsignedRow('desk', { number: 1 })];
    expect(
      (await send('POST', `${base}/license-packages`, issuer.sign(packageDescription(TENANT, { modules })))).statusCode,
    ).toBe(201);
    const key = randomUUID();
    expect(
      (await send('POST', `${base}/users/u1/licenses`, { module: 'desk' }, { 'idempotency-key': key })).statusCode,
    ).toBe(201);
    expect(
      (await send('POST', `${base}/users/u1/licenses`, { module: 'desk' }, { 'idempotency-key': key })).statusCode,
    ).toBe(201);
    expect((await send('POST', `${base}/users/u2/licenses`, { module: 'desk' })).json().type).toBe(
      '/problems/cap-exceeded',
    );
    expect((await send('POST', `${base}/users/u3/licenses`, { module: 'nope' })).statusCode).toBe(422);
    const head = String(await app.get<EventStore>(EVENT_STORE).headPosition());
    // Projection work: the status read waits until the read models have reached the head.
    expect((await send('GET', `${base}/status?minPosition=${head}`)).statusCode).toBe(200);
    expect((await send('GET', `${base}/system-events?minPosition=${head}`)).statusCode).toBe(200);

    const scrape = await send('GET', '/metrics');
    expect(scrape.statusCode).toBe(200);
    expect(scrape.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const metrics = parsePrometheus(scrape.body);
    const commands = (labels: Record<string, string>) =>
      sample(metrics, 'licensing_commands_total', { runner: 'ledger', ...labels });
    expect(commands({ command: 'ActivateLicensePackage', outcome: 'recorded' })).toBe(1);
    expect(commands({ command: 'AssignLicense', outcome: 'recorded' })).toBe(1);
    expect(commands({ command: 'AssignLicense', outcome: 'repeated' })).toBe(1);
    expect(commands({ command: 'AssignLicense', outcome: 'refused', code: 'cap-exceeded' })).toBe(1);
    expect(commands({ command: 'AssignLicense', outcome: 'refused', code: 'unknown-module' })).toBe(1);
    expect(sample(metrics, 'licensing_event_store_append_seconds_count', { runner: 'ledger' })).toBe(2);
    expect(sample(metrics, 'licensing_runner_cached_streams', { runner: 'ledger' })).toBe(1);
    // The notices may have appended after `head`: the store's head is at least there.
    const storeHead = sample(metrics, 'licensing_event_store_head_position')!;
    expect(storeHead).toBeGreaterThanOrEqual(Number(head));
    for (const projection of ['license-list', 'status']) {
      const position = sample(metrics, 'licensing_projection_position', { projection })!;
      expect(position).toBeGreaterThanOrEqual(Number(head));
      expect(sample(metrics, 'licensing_projection_lag', { projection })).toBe(storeHead - position);
    }
    expect(sample(metrics, 'licensing_process_manager_position')).toBeGreaterThanOrEqual(0);
    expect(
      sample(metrics, 'licensing_http_requests_total', {
        method: 'POST',
        route: '/v1/tenants/:tenantId/users/:userId/licenses',
        status: '409',
      }),
    ).toBe(1);
    expect(
      sample(metrics, 'licensing_http_requests_total', {
        method: 'POST',
        route: '/v1/tenants/:tenantId/users/:userId/licenses',
        status: '201',
      }),
    ).toBe(2);
    expect(sample(metrics, 'licensing_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect([...metrics.keys()].every((name) => name.startsWith('licensing_'))).toBe(true);
  });

  it("answers /metrics to any role over every tenant, never anonymously or to one tenant's credential", async () => {
    expect((await send('GET', '/metrics', undefined, { authorization: '' })).statusCode).toBe(401);
    expect((await send('GET', '/metrics', undefined, { authorization: bearer(TEST_KEYS.reader) })).statusCode).toBe(
      403,
    );
    expect((await send('GET', '/metrics', undefined, { authorization: bearer(TEST_KEYS.allService) })).statusCode).toBe(
      200,
    );
    expect((await send('GET', '/metrics', undefined, { authorization: bearer(TEST_KEYS.allAuditor) })).statusCode).toBe(
      200,
    );
  });
});
