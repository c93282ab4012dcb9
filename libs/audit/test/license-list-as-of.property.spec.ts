import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeciderRunner } from '@app/application';
import { fold, ledger, LedgerCommand, LedgerEvent, ledgerEventTime, ledgerStream, licenseListView } from '@app/domain';
import { SqliteEventStore } from '@app/event-store';
import { licenseListAsOf } from '../src';
import { aPackage, row, validVerification } from '../../domain/test/ledger.fixtures';
import { seededRandom, SeededRandom } from '../../../test/support/seeded-random';

const TENANTS = ['T1', 'T12'];
const USERS = Array.from({ length: 10 }, (_, i) => `u${i}`);

function packageFor(tenant: string, owner: string, sequence: number, rng: SeededRandom) {
  const n = () => 1 + rng.int(5);
  const modules =
    owner === 'SUPEROFFICE'
      ? [
          row('user', { number: n() + 3 }),
          row('web', { number: n() + 3, prerequisite: 'user' }),
          row('sales-premium', { extraFlags: 1, extraInfo: 'set=user,web', number: n() }),
          row('saint', { number: n(), sortOrder: 5 }),
          row('chat', { type: 1, number: 1 }),
        ]
      : [row('crm-extension', { number: n() })];
  return aPackage(
    {
      packageId: randomUUID(),
      sequence,
      tenantId: tenant,
      owner: { name: owner, description: owner, certificate: 'PEM' },
    },
    modules,
  );
}

/**
 * Random valid command sequences, then random moments: the license list replayed as of each moment must equal a
 * direct fold of exactly the events whose time is not after it.
 */
describe('the license list as of a moment equals a direct fold of the events up to it', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'as-of-property-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([1, 2, 3, 4])('seed %i', async (seed) => {
    const rng = seededRandom(seed * 104_729);
    const runner = new DeciderRunner(store, ledger);
    const sequences = new Map<string, number>();
    let now = Date.parse('2026-03-01T00:00:00.000Z');
    // Often several commands share one instant, and sometimes hours pass between two.
    const meta = () => ({
      now: new Date((now += rng.pick([0, 0, 1, 1000, 60_000, 3_600_000]))).toISOString(),
      actor: 'prop',
    });
    const send = (tenant: string, command: LedgerCommand) =>
      runner.run(
        ledgerStream(tenant),
        command,
        { commandId: randomUUID(), correlationId: 'p', actor: 'prop', tenant },
        () => undefined,
      );
    const activate = (tenant: string, owner: string) => {
      const sequence = (sequences.get(`${tenant}/${owner}`) ?? 0) + 1;
      sequences.set(`${tenant}/${owner}`, sequence);
      return send(tenant, {
        type: 'ActivateLicensePackage',
        data: {
          tenantId: tenant,
          package: packageFor(tenant, owner, sequence, rng),
          verification: validVerification({}, owner),
        },
        metadata: meta(),
      });
    };

    // A few commands before any package: refused, so the tenant is unknown until its first activation.
    for (const tenant of TENANTS)
      await send(tenant, {
        type: 'AssignLicense',
        data: { userId: 'u0', owner: 'SUPEROFFICE', module: 'saint' },
        metadata: meta(),
      });
    for (let step = 0; step < 300; step++) {
      const tenant = rng.pick(TENANTS);
      const userId = rng.pick(USERS);
      const dice = rng.next();
      if (dice < 0.06 || !sequences.has(`${tenant}/SUPEROFFICE`))
        await activate(tenant, rng.next() < 0.8 ? 'SUPEROFFICE' : 'PARTNER');
      else if (dice < 0.55)
        await send(tenant, {
          type: 'AssignLicense',
          data: { userId, owner: 'SUPEROFFICE', module: rng.pick(['user', 'web', 'sales-premium', 'saint', 'chat']) },
          metadata: meta(),
        });
      else if (dice < 0.85)
        await send(tenant, {
          type: 'UnassignLicense',
          data: { userId, owner: 'SUPEROFFICE', module: rng.pick(['user', 'web', 'sales-premium', 'saint']) },
          metadata: meta(),
        });
      else if (dice < 0.93) await send(tenant, { type: 'DeactivateUser', data: { userId }, metadata: meta() });
      else await send(tenant, { type: 'ReactivateUser', data: { userId }, metadata: meta() });
    }

    for (const tenant of TENANTS) {
      const read = await store.readStream(ledgerStream(tenant));
      const history =
        read.status === 'found'
          ? read.events.map((e) => ({ type: e.type, data: e.data }) as unknown as LedgerEvent)
          : [];
      // The histories exercise every kind of event (rejections too, on most seeds).
      expect([...new Set(history.map((e) => e.type))]).toEqual(
        expect.arrayContaining([
          'LicensePackageActivated',
          'LicenseAssigned',
          'LicenseReleased',
          'UserDeactivated',
          'UserReactivated',
        ]),
      );
      const times = history.map((e) => Date.parse(ledgerEventTime(e)));
      const moments = [
        times[0] - 1,
        times[times.length - 1] + 1,
        ...Array.from({ length: 25 }, () => {
          const t = rng.pick(times);
          return t + rng.pick([-1, 0, 0, 1]);
        }),
        ...Array.from({ length: 10 }, () => times[0] + rng.int(times[times.length - 1] - times[0] + 1)),
      ];
      for (const moment of moments) {
        const expected = licenseListView(
          fold(
            ledger,
            history.filter((e) => Date.parse(ledgerEventTime(e)) <= moment),
          ),
        );
        const answer = await licenseListAsOf(store, tenant, new Date(moment), { pageSize: 1 + rng.int(150) });
        expect({ moment: new Date(moment).toISOString(), answer }).toEqual({
          moment: new Date(moment).toISOString(),
          answer: expected.owners.length > 0 ? expected : null,
        });
      }
    }
  });
});
