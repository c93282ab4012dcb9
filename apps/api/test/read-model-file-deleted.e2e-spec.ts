import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@app/config';
import { requestSender, startTestApp } from '../../../test/support/test-app';

/** Issue 13, item 9: the read-model file deleted under a running API is noticed: health says degraded, naming it. */
describe('read-model file deleted under a running API', () => {
  let dataDir: string;
  let app: NestFastifyApplication;
  const send = requestSender(() => app);

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'read-model-deleted-'));
    app = await startTestApp(loadConfig({ LICENSING_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
  });
  afterEach(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers degraded once read-models.db is gone, and ok before', async () => {
    const before = await send('GET', '/health');
    expect(before.json()).toMatchObject({ status: 'ok', readModels: { status: 'up', adapter: 'sqlite' } });
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `read-models.db${suffix}`), { force: true });
    const after = await send('GET', '/health');
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({
      status: 'degraded',
      readModels: {
        status: 'down',
        adapter: 'sqlite',
        detail: expect.stringContaining(`${join(dataDir, 'read-models.db')} was deleted while open`),
      },
    });
  });
});
