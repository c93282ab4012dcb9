import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metering, meteringStateCodec, meteringStream } from '@app/domain';
import { FileSnapshotStore, SqliteEventStore } from '@app/event-store';
import { CommandMemory, DeciderRunner } from '../src';
import { ids, MeteringRunner, recordUsage, usageRecords } from './support/metering-runs';

/**
 * Metering answers a retry from the command's summary (the counts), so its runner remembers commands without their
 * events: a batch of 1,000 records weighs 200 bytes in the memory, not 150 kB, and its snapshots carry no records.
 * Retries are still answered as the first time, in the process and after a restart from a snapshot.
 */

type Record = { size: number };

describe('CommandMemory without events', () => {
  it('keeps each command at 200 bytes, its summary and position, and no events', () => {
    const memory = new CommandMemory<Record>({ commands: 100, bytes: 8_000, keepEvents: false }, (e) => e.size);
    for (let n = 0; n < 30; n++)
      memory.set(`c${n}`, { hash: 'h', events: [{ size: 150_000 }], summary: { n }, position: BigInt(n) });
    // With events weighed, 8 kB would hold one of them; without, all thirty.
    expect([memory.size, memory.bytes]).toEqual([30, 6_000]);
    expect(memory.get('c7')).toEqual({ hash: 'h', events: [], summary: { n: 7 }, position: 7n });
    expect(memory.addEvent('c7', { size: 150_000 }, 99n)).toBe(true);
    expect(memory.get('c7')).toMatchObject({ events: [], position: 99n });
    expect(memory.bytes).toBe(6_000);
  });

  it('keeps events when asked to, as before', () => {
    const memory = new CommandMemory<Record>({ commands: 100, bytes: 1_000_000 }, (e) => e.size);
    memory.set('c', { hash: 'h', events: [{ size: 10 }], summary: null, position: 1n });
    expect(memory.get('c')?.events).toEqual([{ size: 10 }]);
    expect(memory.bytes).toBe(210);
  });
});

describe('a metering runner remembering summaries only', () => {
  let dir: string;
  let store: SqliteEventStore;
  let snapshots: FileSnapshotStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'summaries-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db') });
    snapshots = new FileSnapshotStore(join(dir, 'snapshots'));
  });
  afterEach(async () => {
    await snapshots.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const runner = (): MeteringRunner =>
    new DeciderRunner(store, metering, {
      codec: meteringStateCodec,
      snapshots: { store: snapshots },
      commandMemory: { commands: 10_000, bytes: 8 * 1024 * 1024, keepEvents: false },
    });
  async function record(on: MeteringRunner, prefix: string, commandId: string) {
    const outcome = await recordUsage(on, usageRecords(ids(prefix, 1000)), { commandId });
    if (outcome.kind !== 'recorded') throw new Error(outcome.refusal.code);
    return outcome;
  }

  it('answers a retry as the first time, in the process and after a restart from a snapshot that carries no records', async () => {
    const first = runner();
    const commandIds = Array.from({ length: 3 }, () => randomUUID());
    const answers = [];
    for (const [index, id] of commandIds.entries()) answers.push(await record(first, `b${index}`, id));
    expect(answers[1]).toMatchObject({ summary: { accepted: 1000, duplicates: 0 }, repeated: false });
    expect(answers[1].events[0].type).toBe('MeteredUsageRecorded'); // the first answer has its events

    const retry = await record(first, 'b1', commandIds[1]);
    expect(retry).toMatchObject({ summary: answers[1].summary, position: answers[1].position, repeated: true });
    expect(retry.events).toEqual([]);

    await first.snapshotsSaved();
    const snapshot = await snapshots.load(meteringStream('T', '2026-05'));
    expect(snapshot?.revision).toBeGreaterThanOrEqual(1);
    // Three commands of 1,000 records each: with their events the commands alone would be 300 kB.
    expect(snapshot?.extra.reduce((sum, part) => sum + part.byteLength, 0)).toBeLessThan(2_000);

    const restarted = runner();
    for (const [index, id] of commandIds.entries())
      expect(await record(restarted, `b${index}`, id)).toMatchObject({
        summary: answers[index].summary,
        position: answers[index].position,
        repeated: true,
      });
    // Not a repeat: the records themselves are duplicates, counted once.
    expect((await record(restarted, 'b1', randomUUID())).summary).toEqual({ accepted: 0, duplicates: 1000 });
  });
});
