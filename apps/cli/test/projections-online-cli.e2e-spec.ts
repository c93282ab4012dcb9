import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { writeLedgerBacklog } from '../../../test/support/ledger-backlog';
import { spawnApi } from '../../../test/support/spawn-api';
import { TEST_KEYS } from '../../../test/support/test-credentials';

const root = join(__dirname, '..', '..', '..');

/** Issue 13, item 8: `projections rebuild --online` asks the running API (credential from the environment) and follows it. */
describe('licensing projections rebuild --online', () => {
  it('rebuilds through the running service, which keeps the data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cli-online-'));
    const events = new SqliteEventStore({ file: join(dataDir, 'events.db') });
    const written = await writeLedgerBacklog(events, { tenants: 2, commandsPerTenant: 100 });
    await events.close();
    // A loaded machine may take a while to start a ts-node process; nothing below waits on time. The backend's own
    // notices stay off, so that the events rebuilt are exactly the ones written here.
    const api = await spawnApi({ LICENSING_DATA_DIR: dataDir, LICENSING_PROCESS_MANAGERS_IN_API: 'false' }, 180_000);
    try {
      const run = (key: string) =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
          const child = spawn(
            process.execPath,
            [
              '-r',
              'ts-node/register/transpile-only',
              '-r',
              'tsconfig-paths/register',
              join(root, 'apps', 'cli', 'src', 'main.ts'),
              'projections',
              'rebuild',
              '--online',
              '-p',
              'status',
            ],
            {
              cwd: root,
              env: {
                ...process.env,
                LICENSING_DATA_DIR: dataDir,
                LICENSING_API_URL: api.baseUrl,
                LICENSING_ADMIN_KEY: key,
              },
            },
          );
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (chunk) => (stdout += chunk));
          child.stderr.on('data', (chunk) => (stderr += chunk));
          child.on('exit', (code) => resolve({ code, stdout, stderr }));
        });
      const done = await run(TEST_KEYS.admin.secret);
      expect(done.stderr).toBe('');
      expect(done.code).toBe(0);
      // The running API adds its own notices to the backlog, so the rebuild reads at least what was written.
      const [, count, at] =
        /^rebuilt status online from (\d+) events; switched over at (\d+)\n$/.exec(done.stdout) ?? [];
      expect(Number(count)).toBeGreaterThanOrEqual(written);
      expect(Number(at)).toBeGreaterThan(0);
      const refused = await run(TEST_KEYS.reader.secret);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('status: the service refused the rebuild (403)');
      expect(refused.stderr).not.toContain(TEST_KEYS.reader.secret);
    } finally {
      api.child.kill('SIGTERM');
      await api.exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
