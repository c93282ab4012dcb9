import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SqliteEventStore } from '@app/event-store';
import { validVerification } from '../../../libs/domain/test/ledger.fixtures';
import {
  activatePackage,
  aPackage,
  appendThresholdExceeded,
  systemEventsOf,
  TENANT,
} from '../../../libs/application/test/support/notice-fixtures';
import { RunningApi, spawnApi } from '../../../test/support/spawn-api';
import { checkedFetch } from '../../../test/support/checked-fetch';
import { authHeaders } from '../../../test/support/test-credentials';

const root = join(__dirname, '..', '..', '..');
const DAY = 86_400_000;

/** Resolves when the process prints a line matching `pattern` (or has already). */
function logged(api: RunningApi, pattern: RegExp, withinMs = 30_000): Promise<string> {
  const earlier = api.logs.find((line) => pattern.test(line));
  if (earlier) return Promise.resolve(earlier);
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: api.child.stdout! });
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(new Error(`no log line matching ${pattern} within ${withinMs} ms:\n${api.logs.join('\n')}`)),
        ),
      withinMs,
    );
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      lines.close();
      settle();
    };
    lines.on('line', (line) => {
      if (pattern.test(line)) finish(() => resolve(line));
    });
  });
}

describe('each notice is raised exactly once: across restarts, a projection rebuild, and lost read models', () => {
  let dataDir: string;
  const running: RunningApi[] = [];
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'notices-restart-'))));
  afterEach(() => {
    for (const api of running.splice(0)) api.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = () => ({ LICENSING_DATA_DIR: dataDir, LOG_LEVEL: 'info', LICENSING_MIN_POSITION_TIMEOUT_MS: '30000' });
  const start = async () => {
    const api = await spawnApi(env());
    running.push(api);
    return api;
  };
  const stop = async (api: RunningApi, signal: NodeJS.Signals) => {
    api.child.kill(signal);
    await api.exited;
    running.splice(running.indexOf(api), 1);
  };
  const withStore = async <T>(work: (store: SqliteEventStore) => Promise<T>): Promise<T> => {
    const store = new SqliteEventStore({ file: join(dataDir, 'events.db') });
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  };
  const feed = async (api: RunningApi) => {
    const health = (await (
      await checkedFetch(api.baseUrl)(`${api.baseUrl}/health`, { headers: authHeaders() })
    ).json()) as { eventStore: { headPosition: string } };
    const response = await checkedFetch(api.baseUrl)(
      `${api.baseUrl}/v1/tenants/${TENANT}/system-events?minPosition=${health.eventStore.headPosition}`,
      { headers: authHeaders() },
    );
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: Array<{ eventKey: string; message: string; sequence: number }> }).items;
  };
  const checkedWith = (raised: number) => new RegExp(`checked the license dates of 1 owners; ${raised} new notices`);

  it('raises each once, and never again', async () => {
    const now = Date.now();
    const dates = {
      expiration: new Date(now + 365 * DAY).toISOString(),
      graceTo: new Date(now + 400 * DAY).toISOString(),
      maintenanceTo: null,
      adminWarningDate: new Date(now - DAY).toISOString(),
      nextCheckDate: null,
    };
    // The causes, recorded before the service first starts: it must catch up with them.
    await withStore(async (store) => {
      await activatePackage(
        store,
        aPackage({ packageId: 'pkg-1', dates }),
        validVerification(),
        new Date(now).toISOString(),
      );
      await activatePackage(
        store,
        aPackage({ packageId: 'pkg-bad', sequence: 2 }),
        { ...validVerification(), packageSignatureValid: false },
        new Date(now).toISOString(),
      );
      await appendThresholdExceeded(store, TENANT, { service: 'storage' });
    });

    const first = await start();
    await logged(first, checkedWith(1));
    const notices = await feed(first);
    expect(notices.map((item) => item.eventKey).sort()).toEqual([
      'LicenseAdminWarning',
      'LicensePackageActivated',
      'LicensePackageRejected',
      'MeteringThresholdExceeded',
    ]);
    await stop(first, 'SIGKILL');

    const rebuild = spawnSync(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        join(root, 'apps', 'cli', 'src', 'main.ts'),
        'projections',
        'rebuild',
      ],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, LICENSING_DATA_DIR: dataDir },
        timeout: 60_000,
      },
    );
    expect(rebuild.status).toBe(0);

    const second = await start();
    await logged(second, checkedWith(0));
    expect(await feed(second)).toEqual(notices);
    // A new cause while it runs (written by another process): one more notice, the live one taken over.
    await withStore((store) => appendThresholdExceeded(store, TENANT, { service: 'form-submissions' }));
    const afterNewCause = await feed(second);
    expect(afterNewCause.find((item) => item.eventKey === 'MeteringThresholdExceeded')?.message).toContain(
      'form-submissions',
    );
    await stop(second, 'SIGTERM');

    // Read models gone altogether: the managers start over from the first event, the feed is projected anew.
    for (const file of readdirSync(dataDir).filter((name) => name.startsWith('read-models.db')))
      rmSync(join(dataDir, file));
    const third = await start();
    await logged(third, checkedWith(0));
    expect(await feed(third)).toEqual(afterNewCause);
    await stop(third, 'SIGTERM');

    const recorded = await withStore((store) => systemEventsOf(store, TENANT));
    expect(recorded.map((event) => [event.type, event.data.eventKey])).toEqual(
      expect.arrayContaining([
        ['SystemEventStarted', 'LicensePackageActivated'],
        ['SystemEventStarted', 'LicensePackageRejected'],
        ['SystemEventStarted', 'MeteringThresholdExceeded'],
        ['SystemEventStarted', 'LicenseAdminWarning'],
        ['SystemEventUpdated', 'MeteringThresholdExceeded'],
      ]),
    );
    expect(recorded).toHaveLength(5);
    const causes = recorded.map(
      (event) =>
        `${(event.data.notice as { kind: string; cause: string }).kind} ${(event.data.notice as { cause: string }).cause}`,
    );
    expect(new Set(causes).size).toBe(5);
  }, 180_000);
});
