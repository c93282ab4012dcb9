import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeciderRunner, SystemEventsRunner } from '@app/application';
import {
  SystemEventChanges,
  systemEvents,
  SystemEventScope,
  SystemEventsCommand,
  systemEventsStream,
  SystemEventStatus,
} from '@app/domain';
import { Position, SqliteEventStore } from '@app/event-store';
import { SqliteReadModelStore } from '@app/read-models';
import {
  ProjectionEngine,
  rebuildProjections,
  SYSTEM_EVENTS_FEED,
  SYSTEM_EVENTS_PROJECTIONS,
  SystemEventsQueries,
} from '../src';
import { seededRandom } from '../../../test/support/seeded-random';

const NAMES = SYSTEM_EVENTS_PROJECTIONS.map((projection) => projection.name);
const STATUSES: SystemEventStatus[] = ['active', 'running', 'completed', 'failed'];

describe('the system-events feed projection', () => {
  let dir: string;
  let events: SqliteEventStore;
  let readModels: SqliteReadModelStore;
  let engine: ProjectionEngine;
  let runner: SystemEventsRunner;
  let queries: SystemEventsQueries;
  let clock: number;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'feed-'));
    events = new SqliteEventStore({ file: join(dir, 'events.db') });
    readModels = new SqliteReadModelStore({ file: join(dir, 'read-models.db') });
    engine = new ProjectionEngine(events, readModels, SYSTEM_EVENTS_PROJECTIONS);
    await engine.start();
    runner = new DeciderRunner(events, systemEvents);
    queries = new SystemEventsQueries(readModels);
    clock = Date.parse('2026-06-01T08:00:00.000Z');
  });
  afterEach(async () => {
    await engine.stop();
    await readModels.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const metadata = () => ({ now: new Date((clock += 60_000)).toISOString(), actor: 'admin' });
  const run = async (tenant: string, command: SystemEventsCommand): Promise<Position> => {
    const outcome = await runner.run(
      systemEventsStream(tenant),
      command,
      { commandId: randomUUID(), correlationId: 'c', actor: 'admin', tenant },
      () => undefined,
    );
    if (outcome.kind !== 'recorded') throw new Error(`refused: ${outcome.refusal.code}`);
    return outcome.position!;
  };
  const start = (
    tenant: string,
    eventKey: string,
    scope: SystemEventScope = 1,
    owner: string | null = null,
    status: SystemEventStatus = 'active',
    message = '',
  ) =>
    run(tenant, {
      type: 'StartSystemEvent',
      data: { eventKey, scope, owner, status, message, eta: null, activatedBy: 'u1' },
      metadata: metadata(),
    });
  const update = (
    tenant: string,
    eventKey: string,
    scope: SystemEventScope,
    owner: string | null,
    changes: SystemEventChanges,
  ) => run(tenant, { type: 'UpdateSystemEvent', data: { eventKey, scope, owner, changes }, metadata: metadata() });
  const remove = (tenant: string, eventKey: string, scope: SystemEventScope = 1, owner: string | null = null) =>
    run(tenant, { type: 'DeleteSystemEvent', data: { eventKey, scope, owner }, metadata: metadata() });
  const synced = async (position: Position) => expect(await engine.waitFor(NAMES, position, 5000)).toBe(true);
  const everything = async (store: SqliteReadModelStore) => (await store.find(SYSTEM_EVENTS_FEED)).items;

  it('lists the live events of a tenant, newest first, with every column', async () => {
    await start('T1', 'FreetextRebuild', 2, null, 'running', 'rebuilding the index');
    await start('T1', 'NoLogin', 3, 'sales-team', 'active', 'maintenance');
    await start('T2', 'MessageOfTheDay', 1, null, 'active', 'other tenant');
    await start('T1', 'MessageOfTheDay', 1, null, 'active', 'hello');
    await update('T1', 'FreetextRebuild', 2, null, { status: 'completed', message: 'done' });
    await synced(await remove('T1', 'MessageOfTheDay'));

    const { items, nextCursor } = (await queries.feed('T1', { limit: 10 }))!;
    expect(nextCursor).toBeNull();
    expect(items).toEqual([
      {
        eventKey: 'NoLogin',
        status: 'active',
        message: 'maintenance',
        activatedAt: '2026-06-01T08:02:00.000Z',
        activatedBy: 'u1',
        finishedAt: null,
        scope: 3,
        owner: 'sales-team',
        eta: null,
        updatedAt: '2026-06-01T08:02:00.000Z',
        sequence: 2,
      },
      {
        eventKey: 'FreetextRebuild',
        status: 'completed',
        message: 'done',
        activatedAt: '2026-06-01T08:01:00.000Z',
        activatedBy: 'u1',
        finishedAt: '2026-06-01T08:05:00.000Z',
        scope: 2,
        owner: null,
        eta: null,
        updatedAt: '2026-06-01T08:05:00.000Z',
        sequence: 1,
      },
    ]);
    expect((await queries.feed('T2', { limit: 10 }))!.items.map((item) => item.message)).toEqual(['other tenant']);
    expect((await queries.feed('T3', { limit: 10 }))!.items).toEqual([]);
  });

  it('filters by status', async () => {
    await start('T1', 'A', 1, null, 'active');
    await start('T1', 'B', 1, null, 'running');
    await start('T1', 'C', 1, null, 'active');
    await synced(await update('T1', 'A', 1, null, { status: 'failed' }));
    const keys = async (status: SystemEventStatus) =>
      (await queries.feed('T1', { status, limit: 10 }))!.items.map((item) => item.eventKey);
    expect(await keys('active')).toEqual(['C']);
    expect(await keys('running')).toEqual(['B']);
    expect(await keys('failed')).toEqual(['A']);
    expect(await keys('completed')).toEqual([]);
  });

  it('shows a key started again after its deletion as a new entry at the top', async () => {
    await start('T1', 'NoTravel', 4, 'u9', 'active', 'first');
    await start('T1', 'NoFreetext');
    await remove('T1', 'NoTravel', 4, 'u9');
    await synced(await start('T1', 'NoTravel', 4, 'u9', 'active', 'second'));
    expect(
      (await queries.feed('T1', { limit: 10 }))!.items.map((item) => [item.eventKey, item.message, item.sequence]),
    ).toEqual([
      ['NoTravel', 'second', 3],
      ['NoFreetext', '', 2],
    ]);
  });

  it('rebuilds to the same documents as the live run', async () => {
    const rng = seededRandom(7);
    let last: Position = 0n;
    for (let i = 0; i < 60; i++) {
      const key = `Job${rng.int(8)}`;
      const outcome = await runner.run(
        systemEventsStream(rng.pick(['T1', 'T2'])),
        rng.next() < 0.5
          ? {
              type: 'StartSystemEvent',
              data: {
                eventKey: key,
                scope: 1,
                owner: null,
                status: rng.pick(STATUSES),
                message: `m${i}`,
                eta: null,
                activatedBy: 'u1',
              },
              metadata: metadata(),
            }
          : rng.next() < 0.6
            ? {
                type: 'UpdateSystemEvent',
                data: {
                  eventKey: key,
                  scope: 1,
                  owner: null,
                  changes: { status: rng.pick(STATUSES), message: `m${i}` },
                },
                metadata: metadata(),
              }
            : { type: 'DeleteSystemEvent', data: { eventKey: key, scope: 1, owner: null }, metadata: metadata() },
        { commandId: randomUUID(), correlationId: 'c', actor: 'admin', tenant: 'T' },
        () => undefined,
      );
      if (outcome.kind === 'recorded' && outcome.position !== null)
        last = outcome.position > last ? outcome.position : last;
    }
    await synced(last);
    const fresh = new SqliteReadModelStore({ file: join(dir, 'fresh.db') });
    try {
      await rebuildProjections(events, fresh, SYSTEM_EVENTS_PROJECTIONS);
      const live = await everything(readModels);
      expect(live.length).toBeGreaterThan(3);
      expect(await everything(fresh)).toEqual(live);
    } finally {
      await fresh.close();
    }
  });

  describe('cursor pagination while events are added', () => {
    it.each([
      [1, undefined],
      [2, undefined],
      [3, 'active' as const],
      [4, 'running' as const],
    ])(
      'seed %p, status %p: no duplicate, and nothing that existed at the first page is skipped',
      async (seed, status) => {
        const rng = seededRandom(seed);
        const started: Array<{ key: string; status: SystemEventStatus }> = [];
        const startOne = async () => {
          const entry = { key: `Job${started.length}`, status: rng.pick(STATUSES) };
          started.push(entry);
          return start('T1', entry.key, 1, null, entry.status, 'initial');
        };
        let position: Position = 0n;
        for (let i = 0; i < 40; i++) position = await startOne();
        await synced(position);

        const first = (await queries.feed('T1', { status, limit: 1 + rng.int(6) }))!;
        // What existed (and matched) when the first page was read: every one must come, each once.
        const existing = (await queries.feed('T1', { status, limit: 1000 }))!.items.map((item) => item.sequence);
        const seen = [...first.items.map((item) => item.sequence)];
        let cursor = first.nextCursor;
        while (cursor) {
          // Between pages: new events start, and existing ones change without leaving the filter.
          for (let n = rng.int(4); n > 0; n--) position = await startOne();
          for (let n = rng.int(3); n > 0; n--) {
            const target = rng.pick(started);
            position = await update(
              'T1',
              target.key,
              1,
              null,
              status ? { message: `changed ${rng.int(100)}` } : { status: rng.pick(STATUSES), message: 'changed' },
            );
          }
          await synced(position);
          const page = (await queries.feed('T1', { status, limit: 1 + rng.int(6), cursor }))!;
          seen.push(...page.items.map((item) => item.sequence));
          cursor = page.nextCursor;
        }

        expect(new Set(seen).size).toBe(seen.length);
        expect(seen).toEqual([...seen].sort((a, b) => b - a));
        expect(seen.filter((sequence) => existing.includes(sequence)).length).toBe(existing.length);
        // Events started after the first page was read never show up in later pages: they are newer than all of it.
        expect(seen.every((sequence) => sequence <= existing[0])).toBe(true);
        expect(existing.length).toBeGreaterThan(5);
      },
    );

    it('refuses a cursor it did not hand out', async () => {
      expect(await queries.feed('T1', { limit: 5, cursor: 'not-a-cursor' })).toBeNull();
    });
  });
});
