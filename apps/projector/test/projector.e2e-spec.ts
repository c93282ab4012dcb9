import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_PROJECTIONS } from '@app/projections';
import { Issuer, makeIssuer, packageDescription } from '../../../test/support/signed-packages';
import { freePort, RunningApi, spawnApi } from '../../../test/support/spawn-api';
import { RunningProjector, spawnProjector, startProjector } from '../../../test/support/spawn-projector';
import { checkedFetch } from '../../../test/support/checked-fetch';
import { parsePrometheus, sample } from '../../../test/support/prometheus-text';
import { authHeaders } from '../../../test/support/test-credentials';

const TENANT = 'Cust12345';
const base = `/v1/tenants/${TENANT}`;

/**
 * Production mode on the embedded stores: an API that does not project, and the projector as its own process.
 * Queries wait (?minPosition=) on the checkpoints the projector commits.
 */
describe('projector process', () => {
  let issuer: Issuer;
  let dataDir: string;
  let api: RunningApi | undefined;
  const projectors: RunningProjector[] = [];
  const track = (projector: RunningProjector) => (projectors.push(projector), projector);

  beforeAll(() => (issuer = makeIssuer()));
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'projector-'))));
  afterEach(async () => {
    for (const projector of projectors.splice(0)) {
      projector.child.kill('SIGTERM');
      await projector.exited;
    }
    if (api) {
      api.child.kill('SIGTERM');
      await api.exited;
      api = undefined;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = () => ({ LICENSING_DATA_DIR: dataDir, LICENSING_TRUSTED_ROOTS: issuer.rootFile, LOG_LEVEL: 'info' });
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const response = await checkedFetch(api!.baseUrl)(`${api!.baseUrl}${path}`, {
      method,
      headers: { ...authHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  it('projects in its own process for an API that does not, catches up and follows live, and stops cleanly on SIGTERM', async () => {
    api = await spawnApi({
      ...env(),
      LICENSING_PROJECTIONS_IN_API: 'false',
      LICENSING_MIN_POSITION_TIMEOUT_MS: '20000',
    });
    const activated = await call('POST', `${base}/license-packages`, issuer.sign(packageDescription(TENANT)));
    expect(activated.status).toBe(201);
    const assigned = await call('POST', `${base}/users/u1/licenses`, { module: 'sales-premium' });
    expect(assigned.status).toBe(201);

    // The API projects nothing itself: its health shows the (empty) stored checkpoints of a projector elsewhere.
    const before = await call('GET', '/health');
    expect(before.body.projections).toEqual({
      runIn: 'projector',
      failed: false,
      positions: ALL_PROJECTIONS.map(({ name }) => ({ name, position: null })),
    });

    const projector = track(await spawnProjector(env()));
    // The backlog: every projection reaches the last position, also one that only skipped events (user-licenses
    // ignores the package activation), because the projector commits skipped positions once caught up.
    expect((await call('GET', `${base}/users/u2/licenses?minPosition=${activated.body.position}`)).body).toEqual({
      userId: 'u2',
      active: true,
      plan: null,
      modules: [],
    });
    const list = await call('GET', `${base}/licenses?minPosition=${assigned.body.position}`);
    expect(list.status).toBe(200);
    expect(list.body.owners[0].licenses.find((l: { module: string }) => l.module === 'sales-premium')).toMatchObject({
      inUse: 1,
      free: 9,
    });

    // Live: a command after the projector caught up.
    const saint = await call('POST', `${base}/users/u2/licenses`, { module: 'saint' });
    expect((await call('GET', `${base}/licenses/saint/holders?minPosition=${saint.body.position}`)).body).toEqual({
      module: 'saint',
      holders: ['u2'],
    });
    expect((await call('GET', `${base}/status?minPosition=${saint.body.position}`)).body.userCount).toEqual({
      byLicenses: { user: 50, web: 50 },
      byPlansInUse: 1,
    });

    // The backend's notices run beside the projections: the projector raises the activation's notice, once, and
    // the API's feed waits for it (?minPosition=) on the checkpoints the projector stores.
    const feed = await call('GET', `${base}/system-events?minPosition=${saint.body.position}`);
    expect(feed.status).toBe(200);
    expect(
      (feed.body.items as Array<{ eventKey: string }>).filter((item) => item.eventKey === 'LicensePackageActivated'),
    ).toHaveLength(1);

    // Without a credential the probe learns the status only; the details are for an administrator.
    const anonymous = await fetch(projector.healthUrl);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ status: 'ok' });
    const health = await fetch(projector.healthUrl, { headers: authHeaders() });
    expect(health.status).toBe(200);
    const report = (await health.json()) as Record<string, any>;
    expect(report).toMatchObject({
      status: 'ok',
      eventStore: { status: 'up', adapter: 'sqlite' },
      projections: { failed: false },
    });
    for (const { position } of report.projections.positions)
      expect(BigInt(position)).toBeGreaterThanOrEqual(BigInt(saint.body.position));

    // Its own Prometheus metrics, on the health port: positions and lag of what it runs.
    const metricsUrl = projector.healthUrl.replace(/\/health$/, '/metrics');
    expect((await fetch(metricsUrl)).status).toBe(401);
    const scrape = await fetch(metricsUrl, { headers: authHeaders() });
    expect(scrape.status).toBe(200);
    const metrics = parsePrometheus(await scrape.text());
    const head = sample(metrics, 'licensing_event_store_head_position')!;
    const listed = sample(metrics, 'licensing_projection_position', { projection: 'license-list' })!;
    expect(listed).toBeGreaterThanOrEqual(Number(saint.body.position));
    expect(sample(metrics, 'licensing_projection_lag', { projection: 'license-list' })).toBe(head - listed);
    expect(sample(metrics, 'licensing_process_manager_position')).toBeGreaterThanOrEqual(0);
    expect(sample(metrics, 'licensing_process_resident_memory_bytes')).toBeGreaterThan(0);

    projector.child.kill('SIGTERM');
    expect(await projector.exited).toEqual({ code: 0, signal: null });
    expect(projector.logs.some((l) => l.includes('read models closed'))).toBe(true);
    expect(projector.logs.some((l) => l.includes('event store closed'))).toBe(true);

    // Restarted, it resumes from its checkpoints.
    const essential = await call('POST', `${base}/users/u2/licenses`, { module: 'sales-essential' });
    const again = track(await spawnProjector(env()));
    expect((await call('GET', `${base}/users/u2/licenses?minPosition=${essential.body.position}`)).body).toEqual({
      userId: 'u2',
      active: true,
      plan: 'sales-essential',
      modules: ['saint', 'sales-essential', 'user', 'web'],
    });
    again.child.kill('SIGTERM');
    expect(await again.exited).toEqual({ code: 0, signal: null });
  });

  it('refuses to start when the selected MongoDB cannot be reached, saying which and why', async () => {
    const port = await freePort();
    const { exited, logs, running } = startProjector({
      ...env(),
      LICENSING_READ_MODELS: 'mongodb',
      MONGODB_URL: `mongodb://127.0.0.1:${port}/`,
      LICENSING_CONNECT_TIMEOUT_MS: '1000',
    });
    await expect(running).rejects.toThrow(/exited before running/);
    expect(await exited).toEqual({ code: 1, signal: null });
    expect(logs).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^cannot reach MongoDB at mongodb://127\\.0\\.0\\.1:${port}/: MongoDB did not answer within 1000 ms`,
        ),
      ),
    );
  });
});
