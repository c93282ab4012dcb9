import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnApi, startApi } from '../../../test/support/spawn-api';
import { checkedFetch } from '../../../test/support/checked-fetch';
import { authHeaders } from '../../../test/support/test-credentials';

describe('API process (real port)', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'api-process-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts on the configured port and data directory, answers /health, and shuts down cleanly on SIGTERM', async () => {
    const api = await spawnApi({ LICENSING_DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    const health = await checkedFetch(api.baseUrl)(`${api.baseUrl}/health`, { headers: authHeaders() });
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', eventStore: { status: 'up', adapter: 'sqlite' } });
    expect(api.logs.some((l) => l.includes(join(dataDir, 'events.db')))).toBe(true);
    // Logs are structured: one JSON object per line.
    expect(() => api.logs.forEach((l) => JSON.parse(l))).not.toThrow();

    api.child.kill('SIGTERM');
    expect(await api.exited).toEqual({ code: 0, signal: null });
    expect(api.logs.some((l) => l.includes('event store closed'))).toBe(true);
  });

  it('refuses to start on a bad setting and says which', async () => {
    await expect(
      spawnApi({ LICENSING_DATA_DIR: dataDir, LICENSING_SQLITE_SYNCHRONOUS: 'OFF' }, 15_000),
    ).rejects.toThrow(/LICENSING_SQLITE_SYNCHRONOUS/);
  });

  it('refuses to start when the selected KurrentDB cannot be reached, naming it (password hidden), within the connect timeout', async () => {
    const port = await freePort();
    const started = await startApi({
      LICENSING_DATA_DIR: dataDir,
      LICENSING_EVENT_STORE: 'kurrentdb',
      KURRENTDB_URL: `kurrentdb://admin:changeit@127.0.0.1:${port}?tls=false`,
      LICENSING_CONNECT_TIMEOUT_MS: '2000',
    });
    await expect(started.listening).rejects.toThrow(/exited before listening/);
    expect(await started.exited).toEqual({ code: 1, signal: null });
    expect(started.logs).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^cannot reach KurrentDB at kurrentdb://admin:\\*\\*\\*@127\\.0\\.0\\.1:${port}\\?tls=false within 2000 ms`,
        ),
      ),
    );
    expect(started.logs.join('\n')).not.toContain('changeit');
  });

  it('refuses to start when a selected server has no URL', async () => {
    await expect(spawnApi({ LICENSING_DATA_DIR: dataDir, LICENSING_READ_MODELS: 'mongodb' }, 15_000)).rejects.toThrow(
      /LICENSING_READ_MODELS=mongodb needs MONGODB_URL/,
    );
  });
});
