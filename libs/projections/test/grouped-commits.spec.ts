import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Position, SqliteEventStore } from '@app/event-store';
import { ProjectionCommit, SqliteReadModelStore } from '@app/read-models';
import { ProjectionEngine, type Projection } from '../src';

/**
 * The live engine commits a batch of events for all its projections in one read-model transaction (commitMany),
 * and a projection that fails leaves every projection's documents and checkpoint together, nothing lost or doubled.
 */
const counting = (name: string, failOn?: number): Projection => ({
  name,
  collections: { [`${name}_counts`]: [] },
  eventTypes: ['Counted'],
  documentsFor: () => [[`${name}_counts`, 'all']],
  apply: (event, documents) => {
    if ((event.data as { n: number }).n === failOn) throw new Error(`${name} cannot apply ${failOn}`);
    const doc = documents.get<{ seen: number[] }>(`${name}_counts`, 'all');
    documents.put(`${name}_counts`, 'all', { seen: [...(doc?.seen ?? []), (event.data as { n: number }).n] });
  },
});

describe('one read-model transaction per batch for all live projections', () => {
  let dir: string;
  let events: SqliteEventStore;
  let readModels: SqliteReadModelStore;
  const groups: ProjectionCommit[][] = [];
  let singles = 0;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'grouped-commits-'));
    events = new SqliteEventStore({ file: join(dir, 'events.db'), synchronous: 'NORMAL' });
    readModels = new SqliteReadModelStore({ file: join(dir, 'read-models.db') });
    groups.length = 0;
    singles = 0;
    const commitMany = readModels.commitMany.bind(readModels);
    readModels.commitMany = (commits) => {
      groups.push([...commits]);
      return commitMany(commits);
    };
    const commit = readModels.commit.bind(readModels);
    readModels.commit = (...args) => {
      singles++;
      return commit(...args);
    };
  });
  afterEach(async () => {
    await readModels.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const append = async (from: number, count: number): Promise<Position> =>
    (
      await events.append(
        'counter-1',
        Array.from({ length: count }, (_, i) => ({ type: 'Counted', data: { n: from + i } })),
        'any',
      )
    ).position;

  const seen = async (name: string) => (await readModels.get<{ seen: number[] }>(`${name}_counts`, 'all'))?.seen ?? [];

  it('commits each batch of events once, with every projection and its checkpoint in it', async () => {
    const projections = ['a', 'b', 'c'].map((name) => counting(name));
    const engine = new ProjectionEngine(events, readModels, projections);
    await engine.start();
    try {
      let head: Position = 0n;
      for (let i = 0; i < 5; i++) head = await append(i * 10, 10);
      expect(await engine.waitFor(['a', 'b', 'c'], head, 10_000)).toBe(true);
      expect(singles).toBe(0);
      expect(groups.length).toBeGreaterThan(0);
      // Every event reaches all three projections: each batch is one group of three parts, one transaction.
      for (const group of groups) expect(group.map((part) => part.projection)).toEqual(['a', 'b', 'c']);
      expect(readModels.transactions).toBe(groups.length);
      for (const name of ['a', 'b', 'c']) {
        expect(await seen(name)).toEqual(Array.from({ length: 50 }, (_, i) => i));
        expect(await readModels.checkpoint(name)).toBe(head);
      }
    } finally {
      await engine.stop();
    }
  });

  it('a failing projection leaves every checkpoint with its documents; a restart applies each event once', async () => {
    const first = await append(0, 5);
    const engine = new ProjectionEngine(events, readModels, [counting('a'), counting('b', 7), counting('c')]);
    await engine.start();
    try {
      expect(await engine.waitFor(['a', 'b', 'c'], first, 10_000)).toBe(true);
      const head = await append(5, 5); // 7 fails in b
      expect(await engine.waitFor(['a', 'b', 'c'], head, 10_000)).toBe(false);
      expect(engine.failed).toBeInstanceOf(Error);
      for (const name of ['a', 'b', 'c']) {
        const at = await readModels.checkpoint(name);
        // What the engine tells waiters is what the store holds, and the documents hold exactly the events up to it.
        expect(engine.position(name)).toBe(at);
        expect(at! < head).toBe(true);
        expect((await seen(name)).length).toBe(Number(at));
      }
      // The batch with 7 reached none of them, though a and c had applied it: one transaction, rolled back.
      expect(await readModels.checkpoint('a')).toBe(await readModels.checkpoint('b'));
    } finally {
      await engine.stop();
    }
    const restarted = new ProjectionEngine(
      events,
      readModels,
      ['a', 'b', 'c'].map((name) => counting(name)),
    );
    await restarted.start();
    try {
      const head = (await events.headPosition())!;
      expect(await restarted.waitFor(['a', 'b', 'c'], head, 10_000)).toBe(true);
      for (const name of ['a', 'b', 'c']) expect(await seen(name)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    } finally {
      await restarted.stop();
    }
  });
});
