import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Position, RecordedEvent, SqliteEventStore } from '@app/event-store';
import { SqliteReadModelStore } from '@app/read-models';
import { BatchDocuments, Projection, ProjectionEngine } from '../src';

/** Counts its events per stream, one document a stream: what it holds says which events were applied. */
const counting: Projection = {
  name: 'counting',
  collections: { counts: [] },
  eventTypes: ['Counted'],
  documentsFor: (event: RecordedEvent) => [['counts', event.stream]],
  apply(event: RecordedEvent, documents: BatchDocuments) {
    const count = documents.get<{ n: number }>('counts', event.stream)?.n ?? 0;
    documents.put('counts', event.stream, { n: count + 1 });
  },
};

/**
 * Issue 15, goal 4: with `groupWithinMs`, a live batch waits for more events, so that one read-model transaction
 * carries the events of several event-store commits. Nothing here waits on time: the hold is a minute long, and each
 * step waits on what the engine holds or on a position.
 */
describe('the live engine, grouping commits (groupWithinMs)', () => {
  let dir: string;
  let events: SqliteEventStore;
  let readModels: SqliteReadModelStore;
  let engine: ProjectionEngine;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'projection-group-'));
    events = new SqliteEventStore({ file: join(dir, 'events.db'), synchronous: 'NORMAL' });
    readModels = new SqliteReadModelStore({ file: join(dir, 'read-models.db') });
    engine = new ProjectionEngine(events, readModels, [counting], { groupWithinMs: 60_000 });
    await engine.start();
  });
  afterEach(async () => {
    await engine.stop();
    await readModels.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const append = async (stream: string, count: number): Promise<Position> =>
    (
      await events.append(
        stream,
        Array.from({ length: count }, () => ({ type: 'Counted', data: {} })),
        'any',
      )
    ).position;

  /** Turns of the event loop until the engine holds `count` events (it never does without a hold). */
  const untilHeld = async (count: number) => {
    while (engine.heldEvents < count) await new Promise((resolve) => setImmediate(resolve));
  };

  it('applies the events of several commits in one transaction, once a reader waits for them', async () => {
    const before = readModels.transactions;
    await append('a-1', 3);
    await untilHeld(3);
    await append('a-2', 2);
    const last = await append('a-1', 1);
    await untilHeld(6);
    // Held: nothing is written, and no reader is told the events are applied.
    expect(readModels.transactions).toBe(before);
    expect(engine.position(counting.name)).toBeNull();

    expect(await engine.waitFor([counting.name], last, 10_000)).toBe(true);
    expect(readModels.transactions - before).toBe(1);
    expect(await readModels.checkpoint(counting.name)).toBe(last);
    expect(await readModels.get('counts', 'a-1')).toMatchObject({ n: 4 });
    expect(await readModels.get('counts', 'a-2')).toMatchObject({ n: 2 });
  });

  it('holds nothing for a reader that waits already: its events are applied as they come', async () => {
    const next = (await events.headPosition()) ?? 0n;
    // The reader asks for a position before the events reach the engine (or are even written).
    const reached = engine.waitFor([counting.name], next + 1n, 10_000);
    await append('b-1', 1);
    expect(await reached).toBe(true);
    expect(await readModels.get('counts', 'b-1')).toMatchObject({ n: 1 });
  });

  it('holds nobody back at start: the history up to the head is applied as it is read', async () => {
    await engine.stop();
    const last = await append('d-1', 2);
    const restarted = new ProjectionEngine(events, readModels, [counting], { groupWithinMs: 60_000 });
    await restarted.start();
    try {
      // No reader waits (that would end a hold): only turns of the event loop until the position is published.
      while (restarted.position(counting.name) !== last) await new Promise((resolve) => setImmediate(resolve));
      expect(await readModels.get('counts', 'd-1')).toMatchObject({ n: 2 });
    } finally {
      await restarted.stop();
    }
  });

  it('applies what it holds when it stops', async () => {
    const last = await append('c-1', 2);
    await untilHeld(2);
    await engine.stop();
    expect(await readModels.checkpoint(counting.name)).toBe(last);
    expect(await readModels.get('counts', 'c-1')).toMatchObject({ n: 2 });
  });
});
