import { rmSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import { READ_MODEL_STORE, ReadModelStore, stagedCheckpoint, stagedCollection } from '@app/read-models';
import { Issuer, makeIssuer, packageDescription } from '../../../test/support/signed-packages';
import { requestSender, startTestApp } from '../../../test/support/test-app';
import { testConfig } from '../../../test/support/test-config';
import { authHeaders, TEST_KEYS } from '../../../test/support/test-credentials';

const TENANT = 'Cust12345';
const base = `/v1/tenants/${TENANT}`;
const route = '/v1/admin/projections/license-list/rebuild';

/** Issue 13, item 8: the running service rebuilds a projection beside the live one and switches over when caught up. */
describe('online projection rebuild', () => {
  let issuer: Issuer;
  let config: AppConfig;
  let app: NestFastifyApplication;
  const send = requestSender(() => app);

  beforeAll(() => (issuer = makeIssuer()));
  beforeEach(async () => {
    config = testConfig({ LICENSING_TRUSTED_ROOTS: issuer.rootFile });
    app = await startTestApp(config);
  });
  afterEach(async () => {
    await app.close();
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  it('rebuilds while serving: every answer during the rebuild is the whole read model, and the switched-in copy equals it', async () => {
    expect((await send('POST', `${base}/license-packages`, issuer.sign(packageDescription(TENANT)))).statusCode).toBe(
      201,
    );
    let last = '0';
    for (let user = 1; user <= 20; user++)
      last = (await send('POST', `${base}/users/u${user}/licenses`, { module: 'chat-cal' })).json().position;
    const before = await send('GET', `${base}/licenses?minPosition=${last}`);
    expect(before.statusCode).toBe(200);

    expect((await send('GET', route)).json()).toMatchObject({ projection: 'license-list', state: 'idle' });
    const started = await send('POST', route);
    expect(started.statusCode).toBe(202);
    expect(started.json()).toMatchObject({ projection: 'license-list', state: 'running' });

    // Queries keep answering the complete read model until the switch, and after it.
    let progress = (await send('GET', route)).json();
    while (progress.state === 'running') {
      expect((await send('GET', `${base}/licenses`)).json()).toEqual(before.json());
      await new Promise((resolve) => setImmediate(resolve));
      progress = (await send('GET', route)).json();
    }
    expect(progress).toMatchObject({ state: 'completed', position: last, finishedAt: expect.any(String) });
    expect((await send('GET', `${base}/licenses`)).json()).toEqual(before.json());

    // The live projection follows on from the rebuilt copy; nothing staged is left behind.
    const next = (await send('POST', `${base}/users/u21/licenses`, { module: 'chat-cal' })).json().position;
    const after = (await send('GET', `${base}/licenses?minPosition=${next}`)).json();
    const saint = (list: { owners: Array<{ licenses: Array<{ module: string; inUse: number }> }> }) =>
      list.owners[0].licenses.find((l) => l.module === 'chat-cal')!.inUse;
    expect(saint(after)).toBe(saint(before.json()) + 1);
    const readModels = app.get<ReadModelStore>(READ_MODEL_STORE);
    expect(await readModels.checkpoint(stagedCheckpoint('license-list'))).toBeNull();
    expect((await readModels.find(stagedCollection('license_owners'))).items).toEqual([]);
  });

  it('is for administrators of every tenant only, and names unknown projections', async () => {
    for (const key of [TEST_KEYS.tenantAdmin, TEST_KEYS.service, TEST_KEYS.allAuditor]) {
      const refused = await send('POST', route, undefined, authHeaders(key));
      expect(refused.statusCode).toBe(403);
    }
    expect((await send('POST', route, undefined, { authorization: '' })).statusCode).toBe(401);
    const unknown = await send('POST', '/v1/admin/projections/nonsense/rebuild');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ type: '/problems/unknown-projection' });
  });
});
