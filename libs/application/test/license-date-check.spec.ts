import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemEventsStream } from '@app/domain';
import { Position, SqliteEventStore } from '@app/event-store';
import { licenseDatesProjection, ProjectionEngine, SystemEventsQueries } from '@app/projections';
import { SqliteReadModelStore } from '@app/read-models';
import { LicenseDateCheck, noticeCommandId } from '../src';
import { validVerification } from '../../domain/test/ledger.fixtures';
import { activatePackage, aPackage, newSystemEventsRunner, systemEventsOf, TENANT } from './support/notice-fixtures';

const dates = {
  expiration: '2026-12-31T00:00:00.000Z',
  graceTo: '2027-01-31T00:00:00.000Z',
  maintenanceTo: null,
  adminWarningDate: '2026-12-01T00:00:00.000Z',
  nextCheckDate: null,
};

describe('the daily license-date check', () => {
  let dir: string;
  let events: SqliteEventStore;
  let readModels: SqliteReadModelStore;
  let engine: ProjectionEngine;
  let now: string;
  let check: LicenseDateCheck;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'date-check-'));
    events = new SqliteEventStore({ file: join(dir, 'events.db') });
    readModels = new SqliteReadModelStore({ file: join(dir, 'read-models.db') });
    engine = new ProjectionEngine(events, readModels, [licenseDatesProjection]);
    await engine.start();
    now = '2026-06-01T00:00:00.000Z';
    check = new LicenseDateCheck(newSystemEventsRunner(events), new SystemEventsQueries(readModels), () => now);
  });
  afterEach(async () => {
    await engine.stop();
    await readModels.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const projected = async (position: Position) =>
    expect(await engine.waitFor([licenseDatesProjection.name], position, 5000)).toBe(true);
  const notices = async (tenant = TENANT) =>
    (await systemEventsOf(events, tenant)).map((event) => [event.type, event.data.eventKey, event.data.message]);

  it('raises nothing before the dates, the admin warning once its date is reached, the grace notice once the grace date has passed', async () => {
    await projected(await activatePackage(events, aPackage({ packageId: 'pkg-1', dates })));
    expect(await check.run()).toEqual({ owners: 1, raised: 0 });
    expect(await notices()).toEqual([]);

    now = '2026-12-01T00:00:00.000Z';
    expect(await check.run()).toEqual({ owners: 1, raised: 1 });
    expect(await notices()).toEqual([
      [
        'SystemEventStarted',
        'LicenseAdminWarning',
        expect.stringContaining('admin-warning date 2026-12-01T00:00:00.000Z is reached'),
      ],
    ]);

    now = '2027-02-01T00:00:00.000Z';
    expect(await check.run()).toEqual({ owners: 1, raised: 1 });
    const raised = await systemEventsOf(events, TENANT);
    expect(raised.map((event) => event.data.eventKey)).toEqual(['LicenseAdminWarning', 'LicenseGraceExpired']);
    expect(raised[1]).toMatchObject({
      data: {
        scope: 2,
        status: 'active',
        activatedAt: now,
        notice: {
          kind: 'grace-date-passed',
          cause: `license-dates:${TENANT}|SUPEROFFICE|pkg-1|2027-01-31T00:00:00.000Z`,
        },
      },
      metadata: {
        commandId: noticeCommandId(
          `license-dates:${TENANT}|SUPEROFFICE|pkg-1|2027-01-31T00:00:00.000Z`,
          'grace-date-passed',
        ),
      },
    });
  });

  it('raises each notice once, however often it runs, also from a new process and after an administrator deleted it', async () => {
    await projected(await activatePackage(events, aPackage({ packageId: 'pkg-1', dates })));
    now = '2027-02-01T00:00:00.000Z';
    expect(await check.run()).toEqual({ owners: 1, raised: 2 });
    expect(await check.run()).toEqual({ owners: 1, raised: 0 });
    const restarted = new LicenseDateCheck(
      newSystemEventsRunner(events),
      new SystemEventsQueries(readModels),
      () => now,
    );
    expect(await restarted.run('2027-03-01T00:00:00.000Z')).toEqual({ owners: 1, raised: 0 });

    const deleted = await newSystemEventsRunner(events).run(
      systemEventsStream(TENANT),
      {
        type: 'DeleteSystemEvent',
        data: { eventKey: 'LicenseGraceExpired', scope: 2, owner: null },
        metadata: { now, actor: 'admin' },
      },
      { commandId: 'b0d6a1f4-4f6e-4d8a-8d0a-2f7e1c9b3a55', correlationId: 'c', actor: 'admin', tenant: TENANT },
      () => undefined,
    );
    expect(deleted.kind).toBe('recorded');
    expect(await restarted.run('2027-03-02T00:00:00.000Z')).toEqual({ owners: 1, raised: 0 });
    expect((await systemEventsOf(events, TENANT)).map((event) => event.type)).toEqual([
      'SystemEventStarted',
      'SystemEventStarted',
      'SystemEventDeleted',
    ]);
  });

  it('raises the notice again for the next package, per owner and tenant', async () => {
    await activatePackage(events, aPackage({ packageId: 'pkg-1', dates }));
    const partner = aPackage({
      packageId: 'partner-1',
      owner: { name: 'PARTNER', description: 'Partner', certificate: 'PEM' },
      dates: { ...dates, adminWarningDate: null },
    });
    await activatePackage(events, partner, validVerification({}, 'PARTNER'));
    await projected(
      await activatePackage(
        events,
        aPackage({ packageId: 'other-1', tenantId: 'Cust2', dates: { ...dates, graceTo: null } }),
      ),
    );
    now = '2027-02-01T00:00:00.000Z';
    expect(await check.run()).toEqual({ owners: 3, raised: 4 });
    expect((await systemEventsOf(events, 'Cust2')).map((event) => event.data.eventKey)).toEqual([
      'LicenseAdminWarning',
    ]);

    const renewed = { ...dates, adminWarningDate: '2027-12-01T00:00:00.000Z', graceTo: '2028-01-31T00:00:00.000Z' };
    await projected(await activatePackage(events, aPackage({ packageId: 'pkg-2', sequence: 2, dates: renewed })));
    expect(await check.run('2027-12-02T00:00:00.000Z')).toEqual({ owners: 3, raised: 1 });
    const latest = (await systemEventsOf(events, TENANT)).at(-1)!;
    expect(latest).toMatchObject({
      type: 'SystemEventUpdated',
      data: { eventKey: 'LicenseAdminWarning', message: expect.stringContaining('2027-12-01') },
    });
  });
});
