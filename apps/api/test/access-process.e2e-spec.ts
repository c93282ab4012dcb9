import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningApi, spawnApi, startApi } from '../../../test/support/spawn-api';
import { startProjector } from '../../../test/support/spawn-projector';
import { NO_CREDENTIALS } from '../../../test/support/test-credentials';

/** Start-up of the real processes (ts-node, no build): slow on a busy machine, hence the generous limits. */
const STARTUP_MS = 90_000;

describe('access at process start, and secrets in the logs', () => {
  let dataDir: string;
  const running: RunningApi[] = [];
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'access-process-'))));
  afterEach(async () => {
    for (const api of running.splice(0)) {
      api.child.kill('SIGTERM');
      await api.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'NODE_ENV=production without credentials: the API exits 1 at start with one clear line',
    async () => {
      const api = await startApi(
        { ...NO_CREDENTIALS, NODE_ENV: 'production', LICENSING_DATA_DIR: dataDir },
        STARTUP_MS,
      );
      await expect(api.listening).rejects.toThrow(/exited before listening/);
      expect((await api.exited).code).toBe(1);
      expect(api.logs.filter((line) => line.trim().length > 0)).toEqual([
        'refusing to start: NODE_ENV=production and no credentials configured (set LICENSING_API_KEYS, LICENSING_API_KEYS_FILE or LICENSING_JWT_JWKS)',
      ]);
    },
    STARTUP_MS + 30_000,
  );

  it(
    'NODE_ENV=production without credentials: the projector (it serves /health) refuses too',
    async () => {
      const projector = startProjector(
        { ...NO_CREDENTIALS, NODE_ENV: 'production', LICENSING_DATA_DIR: dataDir },
        STARTUP_MS,
      );
      await expect(projector.running).rejects.toThrow();
      expect((await projector.exited).code).toBe(1);
      expect(projector.logs.filter((line) => line.trim().length > 0)).toEqual([
        expect.stringMatching(/^refusing to start: NODE_ENV=production and no credentials configured/),
      ]);
    },
    STARTUP_MS + 30_000,
  );

  it(
    'the development start says loudly that access is open, and no credential header reaches a log line',
    async () => {
      const api = await spawnApi({ ...NO_CREDENTIALS, LICENSING_DATA_DIR: dataDir, LOG_LEVEL: 'info' }, STARTUP_MS);
      running.push(api);
      const warnings = api.logs.filter((line) => line.includes('ACCESS CONTROL IS OFF'));
      expect(warnings).toHaveLength(1);
      expect(JSON.parse(warnings[0])).toMatchObject({
        level: 40,
        msg: expect.stringMatching(/anyone may call every route as "anonymous"/),
      });

      const secrets = {
        authorization: 'Bearer marker-authorization-5f0c1e',
        cookie: 'session=marker-cookie-8a7b2d',
        'x-api-key': 'marker-x-api-key-44e1c9',
        'proxy-authorization': 'Basic marker-proxy-authorization-9d3f70',
      };
      const response = await fetch(`${api.baseUrl}/v1/tenants/Cust1/system-events`, { headers: secrets });
      expect(response.status).toBe(200);
      const lines = await logLinesOf(api, '/v1/tenants/Cust1/system-events');
      const logged = JSON.parse(lines[0]) as { req: { headers: Record<string, string> } };
      for (const name of Object.keys(secrets)) expect(logged.req.headers[name]).toBe('[redacted]');
      for (const secret of Object.values(secrets)) expect(api.logs.join('\n')).not.toContain(secret.split(' ').pop()!);
    },
    STARTUP_MS + 60_000,
  );
});

/** The request's log line: pino writes it when the response has gone, so follow the output until it appears. */
async function logLinesOf(api: RunningApi, url: string): Promise<string[]> {
  const matching = () => api.logs.filter((line) => line.includes(`"url":"${url}"`));
  if (matching().length > 0) return matching();
  await new Promise<void>((resolve) => {
    const check = () => (matching().length > 0 ? resolve() : undefined);
    api.child.stdout!.on('data', () => setImmediate(check));
  });
  return matching();
}
