import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireDataDirLock, DataDirLockedError } from '@app/event-store';
import { spawnApi, startApi } from '../../../test/support/spawn-api';

const root = join(__dirname, '..', '..', '..');
const cli = (dataDir: string, ...args: string[]) =>
  spawnSync(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      join(root, 'apps', 'cli', 'src', 'main.ts'),
      ...args,
    ],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, LICENSING_DATA_DIR: dataDir },
      timeout: 60_000,
    },
  );

/** Issue 13, item 8: one writer per data directory; the second one exits at start naming the holder. */
describe('data directory lock', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'data-dir-lock-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses a second API and an offline rebuild beside a running API, each in one line naming the holder; a SIGKILLed holder leaves no lock', async () => {
    const first = await spawnApi({ LICENSING_DATA_DIR: dataDir }, 120_000);
    try {
      const second = await startApi({ LICENSING_DATA_DIR: dataDir }, 120_000);
      await expect(second.listening).rejects.toThrow(/exited before listening/);
      expect(await second.exited).toEqual({ code: 1, signal: null });
      const holderLine = new RegExp(
        `^data directory ${escape(dataDir)} is in use by api pid ${first.child.pid} on ${escape(hostname())} since \\d{4}-\\d\\d-\\d\\dT`,
      );
      expect(second.logs).toEqual([expect.stringMatching(holderLine)]);

      const rebuild = cli(dataDir, 'projections', 'rebuild');
      expect(rebuild.status).toBe(1);
      expect(rebuild.stderr.trim().split('\n')).toEqual([expect.stringMatching(holderLine)]);

      // The first API still answers: nothing of it was touched.
      expect((await fetch(`${first.baseUrl}/health`)).status).toBe(200);
    } finally {
      first.child.kill('SIGKILL');
      await first.exited;
    }
    // The kernel dropped the killed holder's lock: a new API starts at once, no staleness to wait out.
    const restarted = await spawnApi({ LICENSING_DATA_DIR: dataDir }, 120_000);
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toEqual({ code: 0, signal: null });
    // A clean stop releases it too.
    acquireDataDirLock(dataDir, 'test').release();
    // Four process starts: generous for a loaded machine; nothing here waits on time otherwise.
  }, 300_000);

  it('also keeps a second taker in the same process out', () => {
    const lock = acquireDataDirLock(dataDir, 'test');
    try {
      expect(() => acquireDataDirLock(dataDir, 'other')).toThrow(DataDirLockedError);
      expect(() => acquireDataDirLock(dataDir, 'other')).toThrow(`in use by test pid ${process.pid}`);
    } finally {
      lock.release();
    }
    acquireDataDirLock(dataDir, 'again').release();
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
