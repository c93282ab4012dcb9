import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Position, SqliteEventStore } from '@app/event-store';
import { SqliteReadModelStore } from '@app/read-models';
import { ProjectionEngine, rebuildProjections, systemEventsFeedProjection } from '../src';

/** A projection that reacts to none of the events still stores its position, so a start need not re-read them. */
describe('the checkpoint of a projection with nothing to apply', () => {
  let dir: string;
  let events: SqliteEventStore;
  let readModels: SqliteReadModelStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'idle-checkpoint-'));
    events = new SqliteEventStore({ file: join(dir, 'events.db'), synchronous: 'NORMAL' });
    readModels = new SqliteReadModelStore({ file: join(dir, 'read-models.db') });
  });
  afterEach(async () => {
    await readModels.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const unrelated = async (count: number): Promise<Position> => {
    let last: Position = 0n;
    for (let i = 0; i < count; i += 1000) {
      last = (
        await events.append(
          'other-1',
          Array.from({ length: Math.min(1000, count - i) }, (_, n) => ({ type: 'SomethingElse', data: { n: i + n } })),
          'any',
        )
      ).position;
    }
    return last;
  };

  it('is stored by a rebuild at the end', async () => {
    const head = await unrelated(3000);
    await rebuildProjections(events, readModels, [systemEventsFeedProjection]);
    expect(await readModels.checkpoint(systemEventsFeedProjection.name)).toBe(head);
  });

  it('is stored by the live engine every ten thousand skipped events, and not for fewer', async () => {
    await unrelated(9000);
    const engine = new ProjectionEngine(events, readModels, [systemEventsFeedProjection], { batchSize: 500 });
    await engine.start();
    try {
      const before = (await events.headPosition())!;
      expect(await engine.waitFor([systemEventsFeedProjection.name], before, 10_000)).toBe(true);
      expect(await readModels.checkpoint(systemEventsFeedProjection.name)).toBeNull();
      const head = await unrelated(2000);
      expect(await engine.waitFor([systemEventsFeedProjection.name], head, 10_000)).toBe(true);
      const stored = await readModels.checkpoint(systemEventsFeedProjection.name);
      expect(stored).not.toBeNull();
      expect(stored! >= 10_000n && stored! <= head).toBe(true);
    } finally {
      await engine.stop();
    }
  });
});
