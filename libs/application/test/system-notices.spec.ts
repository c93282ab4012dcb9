import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { ALL_PROJECTIONS, ProjectionEngine, rebuildProjections, SystemEventsQueries } from '@app/projections';
import { SqliteReadModelStore } from '@app/read-models';
import {
  NOTICE_ACTOR,
  noticeCommandId,
  processManagerCheckpoint,
  ProcessManagerRuntime,
  systemNoticeProcessManagers,
} from '../src';
import { validVerification } from '../../domain/test/ledger.fixtures';
import {
  activatePackage,
  aPackage,
  appendThresholdExceeded,
  newSystemEventsRunner,
  systemEventsOf,
  TENANT,
} from './support/notice-fixtures';

describe('the notice process managers', () => {
  let dir: string;
  let events: SqliteEventStore;
  let readModels: SqliteReadModelStore;
  let runtime: ProcessManagerRuntime | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'notices-'));
    events = new SqliteEventStore({ file: join(dir, 'events.db') });
    readModels = new SqliteReadModelStore({ file: join(dir, 'read-models.db') });
  });
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    await readModels.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A runtime as a freshly started process has it: its own runner, checkpoints from the store it is given. */
  const startRuntime = async (checkpoints = readModels) => {
    await runtime?.stop();
    runtime = new ProcessManagerRuntime(
      events,
      checkpoints,
      systemNoticeProcessManagers(newSystemEventsRunner(events)),
    );
    await runtime.start();
    return runtime;
  };
  const settled = async (position: bigint) => expect(await runtime!.waitFor(position, 5000)).toBe(true);

  it('raises a notice when a package is activated, in database scope, by the backend, at the activation time', async () => {
    await startRuntime();
    const position = await activatePackage(events, aPackage({ packageId: 'pkg-1', sequence: 1 }));
    await settled(position);
    const [notice, ...rest] = await systemEventsOf(events, TENANT);
    expect(rest).toEqual([]);
    const [cause] = await events.readAll({ filter: { eventTypes: ['LicensePackageActivated'] } });
    expect(notice).toMatchObject({
      type: 'SystemEventStarted',
      data: {
        eventKey: 'LicensePackageActivated',
        scope: 2,
        owner: null,
        status: 'completed',
        message: 'License package pkg-1 (sequence 1) of SUPEROFFICE activated for Acme (serial number 1234567890)',
        activatedAt: '2026-06-01T12:00:00.000Z',
        activatedBy: NOTICE_ACTOR,
        notice: { kind: 'package-activated', cause: `event:${cause.id}` },
      },
      metadata: {
        commandId: noticeCommandId(`event:${cause.id}`, 'package-activated'),
        correlationId: 'activation-pkg-1',
        actor: NOTICE_ACTOR,
      },
    });
  });

  it('names the event that caused a notice as its causationId', async () => {
    await startRuntime();
    await settled(await activatePackage(events, aPackage({ packageId: 'pkg-1', sequence: 1 })));
    const threshold = await appendThresholdExceeded(events, TENANT, { service: 'storage' });
    await settled(threshold);
    const causes = await events.readAll({
      filter: { eventTypes: ['LicensePackageActivated', 'MeteringThresholdExceeded'] },
    });
    const notices = await systemEventsOf(events, TENANT);
    expect(notices.map((notice) => notice.metadata.causationId)).toEqual(causes.map((cause) => cause.id));
    expect(notices.map((notice) => notice.metadata.causationId)).not.toContain(notices[0].metadata.commandId);
  });

  it('raises a failed notice with the reasons when a package is rejected', async () => {
    await startRuntime();
    const position = await activatePackage(events, aPackage({ packageId: 'pkg-bad' }), {
      ...validVerification(),
      packageSignatureValid: false,
    });
    await settled(position);
    expect((await systemEventsOf(events, TENANT)).map((event) => event.data)).toMatchObject([
      {
        eventKey: 'LicensePackageRejected',
        status: 'failed',
        message:
          'License package pkg-bad (sequence 1) of SUPEROFFICE rejected: the package signature does not verify with the owner key',
        notice: { kind: 'package-rejected' },
      },
    ]);
  });

  it('raises a notice when a metering threshold is exceeded, for the tenant the event names', async () => {
    await startRuntime();
    const position = await appendThresholdExceeded(events, 'Cust777', {
      service: 'storage',
      total: 130,
      threshold: 100,
      users: 12,
      at: '2026-05-31T23:00:00.000Z',
    });
    await settled(position);
    expect((await systemEventsOf(events, 'Cust777')).map((event) => event.data)).toMatchObject([
      {
        eventKey: 'MeteringThresholdExceeded',
        scope: 2,
        status: 'active',
        message:
          'storage: 130 in 2026-05 is above the threshold of 100 for 12 users; the excess is billed on the next invoice',
        activatedAt: '2026-05-31T23:00:00.000Z',
        notice: { kind: 'metering-threshold-exceeded' },
      },
    ]);
  });

  it('stops on a MeteringThresholdExceeded that breaks the contract, raising nothing for it', async () => {
    const errors: unknown[] = [];
    runtime = new ProcessManagerRuntime(
      events,
      readModels,
      systemNoticeProcessManagers(newSystemEventsRunner(events)),
      { onError: (error) => errors.push(error) },
    );
    await runtime.start();
    const { position } = await events.append(
      'metering-Cust777-2026-05',
      [{ type: 'MeteringThresholdExceeded', data: { month: '2026-05', service: 'storage' } }],
      'any',
    );
    expect(await runtime.waitFor(position, 5000)).toBe(false);
    expect(String(errors[0])).toContain('metering-Cust777-2026-05@0: MeteringThresholdExceeded without {tenantId');
    expect(await events.readAll({ filter: { streamPrefix: 'systemevents-' } })).toEqual([]);
  });

  it('updates the live notice for a second activation instead of failing', async () => {
    await startRuntime();
    await activatePackage(events, aPackage({ packageId: 'pkg-1', sequence: 1 }));
    const second = await activatePackage(
      events,
      aPackage({ packageId: 'pkg-2', sequence: 2 }),
      validVerification(),
      '2026-06-02T12:00:00.000Z',
    );
    await settled(second);
    const notices = await systemEventsOf(events, TENANT);
    expect(notices.map((event) => [event.type, event.data.sequence, event.data.message])).toEqual([
      ['SystemEventStarted', 1, expect.stringContaining('pkg-1')],
      ['SystemEventUpdated', 1, expect.stringContaining('pkg-2')],
    ]);
    expect(notices[1].data).toMatchObject({
      updatedAt: '2026-06-02T12:00:00.000Z',
      finishedAt: '2026-06-02T12:00:00.000Z',
    });
  });

  describe('exactly once per cause', () => {
    const causes = async () => {
      await activatePackage(events, aPackage({ packageId: 'pkg-1', sequence: 1 }));
      await activatePackage(events, aPackage({ packageId: 'pkg-x', sequence: 1 }), {
        ...validVerification(),
        packageSignatureValid: false,
      });
      await appendThresholdExceeded(events, TENANT, { service: 'storage' });
      return appendThresholdExceeded(events, TENANT, { service: 'chat-sessions' });
    };

    it('after a restart: the new process resumes from the checkpoint', async () => {
      await startRuntime();
      await settled(await causes());
      const before = await systemEventsOf(events, TENANT);
      expect(before).toHaveLength(4);

      await startRuntime();
      const later = await appendThresholdExceeded(events, TENANT, { service: 'form-submissions' });
      await settled(later);
      const after = await systemEventsOf(events, TENANT);
      expect(after.slice(0, 4)).toEqual(before);
      expect(after.map((event) => event.data.message)).toEqual([
        ...before.map((event) => event.data.message),
        expect.stringContaining('form-submissions'),
      ]);
    });

    it('after the checkpoints are lost: every cause is handled again, and nothing is raised again', async () => {
      await startRuntime();
      const head = await causes();
      await settled(head);
      const before = await systemEventsOf(events, TENANT);

      // A process whose read-model store is new (deleted, or another machine): it starts from the first event.
      const blank = new SqliteReadModelStore({ file: join(dir, 'blank.db') });
      try {
        await startRuntime(blank);
        await settled(head);
        expect(runtime!.states().every((state) => state.position !== null)).toBe(true);
        expect(await systemEventsOf(events, TENANT)).toEqual(before);
      } finally {
        await runtime!.stop();
        runtime = undefined;
        await blank.close();
      }
    });

    it('a notice an administrator deleted is not raised again by a replay of its cause', async () => {
      const runner = newSystemEventsRunner(events);
      await startRuntime();
      const head = await causes();
      await settled(head);
      const deleted = await runner.run(
        `systemevents-${TENANT}`,
        {
          type: 'DeleteSystemEvent',
          data: { eventKey: 'LicensePackageActivated', scope: 2, owner: null },
          metadata: { now: '2026-06-03T00:00:00.000Z', actor: 'admin' },
        },
        { commandId: '4b8a3c36-3f0e-4a53-9a37-0d6f3f2e0c11', correlationId: 'c', actor: 'admin', tenant: TENANT },
        () => undefined,
      );
      expect(deleted.kind).toBe('recorded');
      const before = await systemEventsOf(events, TENANT);

      const blank = new SqliteReadModelStore({ file: join(dir, 'blank.db') });
      try {
        await startRuntime(blank);
        await settled(head);
        expect(await systemEventsOf(events, TENANT)).toEqual(before);
      } finally {
        await runtime!.stop();
        runtime = undefined;
        await blank.close();
      }
    });

    it("a projection rebuild leaves the managers' checkpoints alone, so the restarted process raises nothing again", async () => {
      const engine = new ProjectionEngine(events, readModels, ALL_PROJECTIONS);
      await engine.start();
      await startRuntime();
      const head = await causes();
      await settled(head);
      const before = await systemEventsOf(events, TENANT);
      const lastNotice = before[before.length - 1].position;
      expect(
        await engine.waitFor(
          ALL_PROJECTIONS.map((p) => p.name),
          lastNotice,
          5000,
        ),
      ).toBe(true);
      const feed = (await new SystemEventsQueries(readModels).feed(TENANT, { limit: 10 }))!;
      await runtime!.stop();
      await engine.stop();
      const checkpoints = await Promise.all(
        ['package-notices', 'metering-notices'].map((name) => readModels.checkpoint(processManagerCheckpoint(name))),
      );

      await rebuildProjections(events, readModels, ALL_PROJECTIONS);
      expect(
        await Promise.all(
          ['package-notices', 'metering-notices'].map((name) => readModels.checkpoint(processManagerCheckpoint(name))),
        ),
      ).toEqual(checkpoints);
      await startRuntime();
      await settled(head);
      expect(await systemEventsOf(events, TENANT)).toEqual(before);
      expect(await new SystemEventsQueries(readModels).feed(TENANT, { limit: 10 })).toEqual(feed);
      expect(feed.items.map((item) => item.eventKey).sort()).toEqual([
        'LicensePackageActivated',
        'LicensePackageRejected',
        'MeteringThresholdExceeded',
      ]);
    });
  });
});
