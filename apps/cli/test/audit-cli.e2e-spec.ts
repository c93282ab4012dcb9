import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeciderRunner } from '@app/application';
import type { AppConfig } from '@app/config';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { LEDGER_PROJECTIONS } from '@app/projections';
import { Document, SqliteReadModelStore } from '@app/read-models';
import { createApp } from '../../api/src/create-app';
import { notes } from '../../../libs/audit/test/audit-fixtures';
import { Issuer, makeIssuer, packageDescription, sampleModules } from '../../../test/support/signed-packages';
import { testConfig } from '../../../test/support/test-config';
import { checkedInject, withCredential } from '../../../test/support/test-app';

const root = join(__dirname, '..', '..', '..');
const TENANT = 'Cust1';
const OTHER = 'Cust12';

/** Every read-model document of the ledger projections, by collection and id, optionally only a tenant's. */
async function readModelDocuments(dataDir: string, tenant?: string): Promise<Record<string, Record<string, Document>>> {
  const store = new SqliteReadModelStore({ file: join(dataDir, 'read-models.db') });
  try {
    const all: Record<string, Record<string, Document>> = {};
    for (const projection of LEDGER_PROJECTIONS) {
      for (const collection of Object.keys(projection.collections)) {
        const { items } = await store.find(collection);
        all[collection] = Object.fromEntries(
          items.filter((d) => !tenant || d._id === tenant || d._id.startsWith(`${tenant}|`)).map((d) => [d._id, d]),
        );
      }
    }
    return all;
  } finally {
    await store.close();
  }
}

describe('licensing audit (CLI)', () => {
  let issuer: Issuer;
  let original: AppConfig;
  let freshDir: string;
  let file: string;
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
        env: { ...process.env, LICENSING_DATA_DIR: dataDir, LICENSING_TRUSTED_ROOTS: issuer.rootFile },
        timeout: 60_000,
      },
    );

  beforeAll(() => (issuer = makeIssuer()));
  beforeEach(() => {
    // The backend's own notices would add a stream of their own; the export of it is the same code path.
    original = testConfig({ LICENSING_TRUSTED_ROOTS: issuer.rootFile, LICENSING_PROCESS_MANAGERS_IN_API: 'false' });
    freshDir = mkdtempSync(join(tmpdir(), 'audit-cli-fresh-'));
    file = join(original.dataDir, 'Cust1.ndjson');
  });
  afterEach(() => {
    rmSync(original.dataDir, { recursive: true, force: true });
    rmSync(freshDir, { recursive: true, force: true });
  });

  /** A history written through the API (signed packages, assignments, plan switches, releases), projected live. */
  async function writeOriginal(): Promise<{ moments: string[]; asOf: Record<string, unknown> }> {
    const app = await createApp(original);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const send = async (method: 'GET' | 'POST', url: string, body?: unknown) => {
      const response = await checkedInject(app, {
        method,
        url,
        headers: withCredential(body === undefined ? {} : { 'content-type': 'application/json' }),
        payload: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(response.statusCode).toBeLessThan(400);
      return response.json();
    };
    try {
      let last = '0';
      const command = async (tenant: string, method: 'POST', path: string, body?: unknown) =>
        (last = (await send(method, `/v1/tenants/${tenant}${path}`, body)).position);
      for (const tenant of [TENANT, OTHER])
        await command(tenant, 'POST', '/license-packages', issuer.sign(packageDescription(tenant)));
      for (const userId of ['u1', 'u2', 'u3', 'u4']) {
        await command(TENANT, 'POST', `/users/${userId}/licenses`, { module: 'sales-premium' });
        await command(OTHER, 'POST', `/users/${userId}/licenses`, { module: 'sales-essential' });
      }
      await command(TENANT, 'POST', '/users/u1/licenses', { module: 'saint' });
      await command(TENANT, 'POST', '/users/u2/licenses', { module: 'sales-essential' });
      const events = (await send('GET', `/v1/tenants/${TENANT}/events?limit=1000`)).items as Array<{
        data: { at?: string };
      }>;
      const midway = events[events.length - 1].data.at!;
      await new DeciderRunner(app.get<EventStore>(EVENT_STORE), notes).run(
        `metering-${TENANT}-2026-06`,
        { type: 'Note', data: { note: 'n' } },
        { commandId: randomUUID(), correlationId: 'c', actor: 'a', tenant: TENANT },
        () => undefined,
      );
      await command(TENANT, 'POST', '/users/u3/deactivate');
      const modules = sampleModules().map((row) => (row.name === 'saint' ? { ...row, number: 9 } : row));
      await command(
        TENANT,
        'POST',
        '/license-packages',
        issuer.sign(packageDescription(TENANT, { sequence: 2, modules })),
      );
      await command(TENANT, 'POST', '/users/u5/licenses', { module: 'saint' });
      await command(OTHER, 'POST', '/users/u9/licenses', { module: 'saint' });
      for (const query of ['licenses', 'status', 'users/u1/licenses'])
        await send('GET', `/v1/tenants/${TENANT}/${query}?minPosition=${last}`);
      const moments = [midway, new Date(Date.now() + 60_000).toISOString()];
      const asOf = Object.fromEntries(
        await Promise.all(moments.map(async (m) => [m, await send('GET', `/v1/tenants/${TENANT}/licenses?asOf=${m}`)])),
      );
      return { moments, asOf };
    } finally {
      await app.close();
    }
  }

  it('export, import into a fresh store and rebuild give read models identical to the original; replay and verify agree', async () => {
    const { moments, asOf } = await writeOriginal();

    const exported = cli(original.dataDir, 'audit', 'export', '--tenant', TENANT, '--out', file);
    expect(exported.stderr).toBe('');
    expect(exported.status).toBe(0);
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(exported.stdout).toBe(`exported ${lines.length} events of ${TENANT} to ${file}\n`);
    expect(new Set(lines.map((e) => e.stream))).toEqual(new Set([`ledger-${TENANT}`, `metering-${TENANT}-2026-06`]));

    const imported = cli(freshDir, 'audit', 'import', '--file', file);
    expect(imported.stderr).toBe('');
    expect(imported.status).toBe(0);
    expect(imported.stdout).toContain(`imported ${lines.length} events in 2 streams`);
    expect(cli(freshDir, 'projections', 'rebuild').status).toBe(0);

    const originalDocuments = await readModelDocuments(original.dataDir, TENANT);
    expect(Object.keys(originalDocuments.license_owners ?? {})).toEqual([`${TENANT}|SUPEROFFICE`]);
    expect(await readModelDocuments(freshDir)).toEqual(originalDocuments);

    for (const moment of moments) {
      const replay = cli(freshDir, 'audit', 'replay', '--tenant', TENANT, '--as-of', moment);
      expect(replay.status).toBe(0);
      expect(JSON.parse(replay.stdout)).toEqual(asOf[moment]);
    }
    expect(asOf[moments[0]]).not.toEqual(asOf[moments[1]]);

    for (const args of [
      ['--tenant', TENANT],
      ['--file', file],
    ]) {
      const verify = cli(freshDir, 'audit', 'verify', ...args);
      expect(verify.status).toBe(0);
      const report = JSON.parse(verify.stdout);
      expect(report).toMatchObject({ ok: true, checkedEvents: lines.length, problems: [] });
      expect(
        report.packages.map((p: { signatureValid: boolean; chainValid: boolean }) => [p.signatureValid, p.chainValid]),
      ).toEqual([
        [true, true],
        [true, true],
      ]);
    }

    const again = cli(freshDir, 'audit', 'import', '--file', file);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^the target event store is not empty/);

    const db = new Database(join(freshDir, 'events.db'));
    db.prepare("UPDATE events SET data = json_set(data, '$.userId', 'mallory') WHERE stream = ? AND revision = 6").run(
      `ledger-${TENANT}`,
    );
    const position = (
      db.prepare('SELECT position FROM events WHERE stream = ? AND revision = 6').get(`ledger-${TENANT}`) as {
        position: number;
      }
    ).position;
    db.close();
    const tampered = cli(freshDir, 'audit', 'verify', '--tenant', TENANT);
    expect(tampered.status).toBe(2);
    expect(tampered.stderr).toBe(
      `verification failed: 1 problem(s), the first at ledger-${TENANT} revision 6 (position ${position}): hash-mismatch\n`,
    );
  }, 240_000);

  it('refuses bad options with a one-line message and exit code 1', () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['audit', 'replay', '--tenant', TENANT, '--as-of', '2026-06-01'],
        /--as-of must be an ISO-8601 date-time with a zone/,
      ],
      [['audit', 'export', '--tenant', 'no/such', '--out', file], /--tenant 'no\/such' is not a tenant id/],
      [['audit', 'import', '--file', join(freshDir, 'missing.ndjson')], /missing.ndjson does not exist/],
      [['audit', 'verify'], /give --tenant, --file, or both/],
    ];
    for (const [args, message] of cases) {
      const run = cli(freshDir, ...args);
      expect({ args, status: run.status }).toEqual({ args, status: 1 });
      expect(run.stderr).toMatch(message);
    }
    expect(existsSync(file)).toBe(false);
  }, 120_000);
});
