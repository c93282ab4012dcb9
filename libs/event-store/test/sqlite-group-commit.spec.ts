import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, WrongExpectedVersionError } from '../src';

/**
 * What makes durable appends cheap: appends of many streams issued in the same tick are committed in one
 * transaction (one fsync at synchronous=FULL), each still answered with its own position, in order, and durable.
 */
describe('SqliteEventStore group commit', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db'), synchronous: 'FULL' });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const event = (n: number) => ({ type: 'Counted', data: { n } });

  it('commits 200 concurrent appends to 200 streams in one transaction, in the order they were made', async () => {
    const before = store.commits;
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => store.append(`s-${i}`, [event(i)], 'no_stream')),
    );
    expect(store.commits - before).toBe(1);
    const positions = results.map((result) => result.position);
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));
    expect(new Set(positions).size).toBe(200);

    // Durable: another connection to the file reads every one of them.
    await store.close();
    store = new SqliteEventStore({ file: join(dir, 'events.db') });
    const all = await store.readAll();
    expect(all.map((recorded) => [recorded.stream, recorded.position])).toEqual(
      results.map((result, i) => [`s-${i}`, result.position]),
    );
  });

  it('refuses a wrong expected revision alone: the other appends of the same commit land', async () => {
    await store.append('taken', [event(0)], 'no_stream');
    const before = store.commits;
    const outcomes = await Promise.allSettled([
      store.append('a', [event(1)], 'no_stream'),
      store.append('taken', [event(2)], 'no_stream'),
      store.append('b', [event(3)], 'no_stream'),
    ]);
    expect(store.commits - before).toBe(1);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
    expect((await store.readAll()).map((recorded) => recorded.stream)).toEqual(['taken', 'a', 'b']);
  });

  it('appends made in separate ticks are separate commits (nothing waits for company)', async () => {
    const before = store.commits;
    await store.append('x', [event(1)], 'no_stream');
    await store.append('y', [event(2)], 'no_stream');
    expect(store.commits - before).toBe(2);
  });
});
