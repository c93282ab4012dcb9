import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { LedgerQueries } from '@app/projections';
import { SqliteReadModelStore } from '@app/read-models';
import { writeLedgerBacklog } from '../../../test/support/ledger-backlog';

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

describe('licensing projections (CLI)', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'cli-projections-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('rebuilds every projection from position 0 and reports the checkpoints at the head', async () => {
    const events = new SqliteEventStore({ file: join(dataDir, 'events.db') });
    const written = await writeLedgerBacklog(events, { tenants: 2, commandsPerTenant: 500 });
    const head = String(await events.headPosition());
    await events.close();

    const rebuild = cli(dataDir, 'projections', 'rebuild');
    expect(rebuild.stderr).toBe('');
    expect(rebuild.status).toBe(0);
    expect(rebuild.stdout).toContain(
      `rebuilt license-list, user-licenses, status, metering-totals, system-events-feed, license-dates, tenant-directory, package-history from ${written} events`,
    );

    const status = cli(dataDir, 'projections', 'status');
    expect(status.status).toBe(0);
    expect(status.stdout).toBe(
      `event store head: ${head}\nlicense-list: ${head}\nuser-licenses: ${head}\nstatus: ${head}\nmetering-totals: ${head}\nsystem-events-feed: ${head}\nlicense-dates: ${head}\ntenant-directory: ${head}\npackage-history: ${head}\n` +
        'process manager package-notices: nothing handled\nprocess manager metering-notices: nothing handled\n',
    );

    const readModels = new SqliteReadModelStore({ file: join(dataDir, 'read-models.db') });
    try {
      const list = await new LedgerQueries(readModels).licenseList('Tenant0');
      expect(list?.owners[0].licenses.some((license) => license.inUse > 0)).toBe(true);
    } finally {
      await readModels.close();
    }
  });

  it('refuses an unknown projection by name', () => {
    const run = cli(dataDir, 'projections', 'rebuild', '--projection', 'nonsense');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("unknown projection 'nonsense'");
  });
});
