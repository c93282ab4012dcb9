import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreClosedError, SqliteEventStore } from '../src';
import { commitFromAnotherConnection } from './support/raw-commit';

/**
 * The SQLite store's append mark (the port's `appendMark`): equal marks promise that nothing was appended in between,
 * by this store or by another connection to the file (another process), so a reader may skip a read on it.
 */
describe('SqliteEventStore append mark', () => {
  let dir: string;
  let store: SqliteEventStore;
  let other: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'append-mark-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db') });
    // Another connection to the same file, as another process would hold.
    other = new SqliteEventStore({ file: join(dir, 'events.db') });
  });
  afterEach(async () => {
    await store.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const event = (n: number) => ({ type: 'Counted', data: { n } });

  it('stays equal while nothing is appended, whatever is read', async () => {
    await store.append('s-1', [event(1)], 'no_stream');
    const mark = store.appendMark();
    await store.readStream('s-1');
    await store.readStream('s-2');
    await store.readAll();
    await store.headPosition();
    await other.readStream('s-1');
    expect(store.appendMark()).toBe(mark);
  });

  it("moves after this store's own append, to any stream", async () => {
    await store.append('s-1', [event(1)], 'no_stream');
    const mark = store.appendMark();
    await store.append('s-2', [event(2)], 'no_stream');
    const moved = store.appendMark();
    expect(moved).not.toBe(mark);
    expect(store.appendMark()).toBe(moved);
  });

  it('moves after an append by another connection to the file', async () => {
    await store.append('s-1', [event(1)], 'no_stream');
    const mark = store.appendMark();
    await other.append('s-1', [event(2)], 0);
    expect(store.appendMark()).not.toBe(mark);
  });

  it("asks for other connections' commits once per turn of the event loop, and again in the next turn", async () => {
    await store.append('s-1', [event(1)], 'no_stream');
    const mark = store.appendMark();
    // Another process's commit made synchronously within this very turn (a raw connection commits at once).
    commitFromAnotherConnection(join(dir, 'events.db'), 's-1', 1);
    expect(store.appendMark()).toBe(mark); // this turn's answer about other connections was already taken
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.appendMark()).not.toBe(mark);
  });

  it('refuses once the store is closed', async () => {
    await store.close();
    expect(() => store.appendMark()).toThrow(EventStoreClosedError);
  });
});
