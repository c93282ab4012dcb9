import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeciderRunner } from '@app/application';
import {
  fold,
  holdersView,
  ledger,
  LedgerCommand,
  LedgerEvent,
  licenseListView,
  ledgerStream,
  statusView,
  userLicensesView,
} from '@app/domain';
import { SqliteEventStore } from '@app/event-store';
import { SqliteReadModelStore } from '@app/read-models';
import {
  LEDGER_PROJECTIONS,
  LedgerQueries,
  ProjectionEngine,
  type ProjectionEngineOptions,
  rebuildProjections,
} from '../src';
import { aPackage, row, validVerification } from '../../domain/test/ledger.fixtures';
import { seededRandom, SeededRandom } from '../../../test/support/seeded-random';

const TENANTS = ['T1', 'T2', 'T3'];
const USERS = Array.from({ length: 12 }, (_, i) => `u${i}`);
const OWNERS = ['SUPEROFFICE', 'PARTNER'];

/** Packages with small numbers, so that caps, rejections below the number in use and plan switches all happen. */
function packageFor(tenant: string, owner: string, sequence: number, rng: SeededRandom) {
  const n = () => 1 + rng.int(6);
  const modules =
    owner === 'SUPEROFFICE'
      ? [
          row('user', { number: n() + 4 }),
          row('web', { number: n() + 4, prerequisite: 'user' }),
          row('chat-cal', { number: n() }),
          row('sales-premium', { extraFlags: 1, extraInfo: 'set=user,web,chat-cal', number: n() }),
          row('sales-essential', { extraFlags: 1, extraInfo: 'set=user,web', number: n() }),
          row('saint', { number: n(), sortOrder: 5 }),
          row('marketing', { number: 1, unrestricted: true }),
          row('chat', { type: 1, number: 1 }),
        ]
      : [
          row('crm-extension', { number: n() }),
          row('partner-plan', { extraFlags: 1, extraInfo: 'set=crm-extension', number: n() }),
        ];
  return aPackage(
    {
      packageId: randomUUID(),
      sequence,
      tenantId: tenant,
      owner: { name: owner, description: owner, certificate: 'PEM' },
      dates: { ...aPackage().dates, expiration: rng.next() < 0.3 ? `2027-0${1 + rng.int(9)}-01T00:00:00.000Z` : null },
    },
    modules,
  );
}

describe('ledger projections equal a direct fold of the event log (random command sequences)', () => {
  let dir: string;
  let events: SqliteEventStore;
  let readModels: SqliteReadModelStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'projections-property-'));
    events = new SqliteEventStore({ file: join(dir, 'events.db') });
    readModels = new SqliteReadModelStore({ file: join(dir, 'events.db') });
  });
  afterEach(async () => {
    await readModels.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function expectReadModelsToEqualFold(queries: LedgerQueries): Promise<void> {
    for (const tenant of TENANTS) {
      const read = await events.readStream(ledgerStream(tenant));
      const history =
        read.status === 'found'
          ? read.events.map((e) => ({ type: e.type, data: e.data }) as unknown as LedgerEvent)
          : [];
      const state = fold(ledger, history);
      const expectedList = licenseListView(state);
      expect(await queries.licenseList(tenant)).toEqual(expectedList.owners.length > 0 ? expectedList : null);
      expect(await queries.status(tenant)).toEqual(expectedList.owners.length > 0 ? statusView(state) : null);
      for (const owner of Object.values(state.status === 'active' ? state.owners : {})) {
        for (const module of Object.keys(owner.modules)) {
          expect(await queries.holders(tenant, module, owner.name)).toEqual(holdersView(state, owner.name, module));
        }
        for (const userId of USERS)
          expect(await queries.userLicenses(tenant, userId, owner.name)).toEqual(
            userLicensesView(state, userId, owner.name),
          );
      }
    }
  }

  // In-thread, and on the projection thread (issue 15, goal 4): the thread loads the same list by its module's path.
  const thread = (): ProjectionEngineOptions['thread'] => ({
    eventsFile: join(dir, 'events.db'),
    readModelsFile: join(dir, 'events.db'),
    projections: { module: require.resolve('../src/all-projections'), exportName: 'LEDGER_PROJECTIONS' },
  });
  it.each([
    [1, 'on the event loop'],
    [2, 'on the event loop'],
    [3, 'on the event loop'],
    [1, 'on a projection thread'],
    [2, 'on a projection thread'],
  ])('seed %i, %s: live projections, checked along the way, then rebuilt from 0', async (seed, mode) => {
    const rng = seededRandom(seed * 7919);
    const runner = new DeciderRunner(events, ledger);
    const engine = new ProjectionEngine(events, readModels, LEDGER_PROJECTIONS, {
      batchSize: 1 + rng.int(64),
      thread: mode === 'on a projection thread' ? thread() : undefined,
    });
    await engine.start();
    const queries = new LedgerQueries(readModels);
    const sequences = new Map<string, number>();
    let now = Date.parse('2026-06-01T00:00:00.000Z');
    const counts = { recorded: 0, refused: 0 };

    const send = async (tenant: string, command: LedgerCommand) => {
      const outcome = await runner.run(
        ledgerStream(tenant),
        command,
        { commandId: randomUUID(), correlationId: 'p', actor: 'prop', tenant },
        () => undefined,
      );
      counts[outcome.kind]++;
    };
    const meta = () => ({ now: new Date((now += 60_000)).toISOString(), actor: 'prop' });

    for (const tenant of TENANTS) {
      for (const owner of OWNERS) {
        sequences.set(`${tenant}/${owner}`, 1);
        await send(tenant, {
          type: 'ActivateLicensePackage',
          data: {
            tenantId: tenant,
            package: packageFor(tenant, owner, 1, rng),
            verification: validVerification({}, owner),
          },
          metadata: meta(),
        });
      }
    }
    for (let step = 1; step <= 600; step++) {
      const tenant = rng.pick(TENANTS);
      const userId = rng.pick(USERS);
      const owner = rng.next() < 0.8 ? 'SUPEROFFICE' : 'PARTNER';
      const modules =
        owner === 'SUPEROFFICE'
          ? ['user', 'web', 'chat-cal', 'sales-premium', 'sales-essential', 'saint', 'marketing', 'chat', 'ghost']
          : ['crm-extension', 'partner-plan'];
      const dice = rng.next();
      let command: LedgerCommand;
      if (dice < 0.5)
        command = { type: 'AssignLicense', data: { userId, owner, module: rng.pick(modules) }, metadata: meta() };
      else if (dice < 0.8)
        command = { type: 'UnassignLicense', data: { userId, owner, module: rng.pick(modules) }, metadata: meta() };
      else if (dice < 0.87) command = { type: 'DeactivateUser', data: { userId }, metadata: meta() };
      else if (dice < 0.94) command = { type: 'ReactivateUser', data: { userId }, metadata: meta() };
      else {
        const sequence = sequences.get(`${tenant}/${owner}`)! + 1;
        sequences.set(`${tenant}/${owner}`, sequence);
        command = {
          type: 'ActivateLicensePackage',
          data: {
            tenantId: tenant,
            package: packageFor(tenant, owner, sequence, rng),
            verification: validVerification({}, owner),
          },
          metadata: meta(),
        };
      }
      await send(tenant, command);
      if (step % 150 === 0) {
        expect(
          await engine.waitFor(
            LEDGER_PROJECTIONS.map((p) => p.name),
            (await events.headPosition())!,
            10_000,
          ),
        ).toBe(true);
        await expectReadModelsToEqualFold(queries);
      }
    }
    await engine.stop();
    expect(engine.failed).toBeUndefined();
    // The sequences exercise both sides of the rules.
    expect(counts.recorded).toBeGreaterThan(100);
    expect(counts.refused).toBeGreaterThan(50);
    const types = new Set((await events.readAll()).map((e) => e.type));
    for (const type of [
      'LicensePackageActivated',
      'LicensePackageRejected',
      'LicenseAssigned',
      'LicenseReleased',
      'UserDeactivated',
      'UserReactivated',
    ]) {
      expect(types).toContain(type);
    }

    await rebuildProjections(events, readModels, LEDGER_PROJECTIONS, { batchSize: 37 });
    await expectReadModelsToEqualFold(queries);
  });
});
