import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metering, meteringStateCodec, meteringStream } from '@app/domain';
import { EventStore, SqliteEventStore } from '@app/event-store';
import { DeciderRunner } from '../src';
import { MeteringRunner as Runner, recordUsage, usageRecords } from './support/metering-runs';

/**
 * Issue 15, goal 4 (batches): a runner does not read back an append the store says it wrote as given (its hash is
 * the one computed for it); a catch-up after it reads only what follows. An append answered as the repeat of an
 * earlier one, or by an adapter that cannot tell, is still read back (decider-runner.spec shows why: the stored
 * repeat's hash differs). Shown by the revisions the runner's catch-ups read from.
 */

const STREAM = meteringStream('T', '2026-05');

describe('reading back its own appends', () => {
  let dir: string;
  let store: SqliteEventStore;
  let readsFrom: Array<number | undefined>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'own-append-reads-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db') });
    readsFrom = [];
    const readStream = store.readStream.bind(store);
    store.readStream = (stream, options) => {
      if (stream === STREAM) readsFrom.push(options?.fromRevision);
      return readStream(stream, options);
    };
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const recordEach = async (on: EventStore, usageIds: string[]) => {
    const runner: Runner = new DeciderRunner(on, metering, { codec: meteringStateCodec });
    for (const usageId of usageIds) {
      const outcome = await recordUsage(runner, usageRecords([usageId]), { stream: STREAM });
      expect(outcome).toMatchObject({ kind: 'recorded', summary: { accepted: 1 } });
    }
  };

  it('reads only what follows an append the store wrote as given', async () => {
    // A store without marks (as KurrentDB is): every turn reads, but only what follows the runner's own append.
    const unmarked: EventStore = Object.create(store);
    unmarked.streamMark = undefined;
    await recordEach(unmarked, ['u-0', 'u-1', 'u-2']);
    // The empty stream from 0; then after revision 0 (its own), from 1; after revision 1, from 2.
    expect(readsFrom).toEqual([0, 1, 2]);
  });

  it('reads nothing after an append the store wrote as given and marked, until the stream moves', async () => {
    await recordEach(store, ['u-0', 'u-1', 'u-2']);
    expect(readsFrom).toEqual([0]); // the empty stream, by the first turn
  });

  it('reads its append back when the store does not say it wrote it as given', async () => {
    const untold: EventStore = Object.create(store);
    untold.append = async (stream, events, expected) => {
      const { nextExpectedRevision, position } = await store.append(stream, events, expected);
      return { nextExpectedRevision, position };
    };
    await recordEach(untold, ['u-0', 'u-1', 'u-2']);
    expect(readsFrom).toEqual([0, 0, 1]);
  });

  it('says which appends it wrote as given, and which it answered as repeats', async () => {
    const event = { id: '5f0c7e9a-3b1d-4c8e-9a2f-6d4b8e1c3a70', type: 'Tested', data: { n: 1 } };
    expect(await store.append('s-1', [event], 'no_stream')).toMatchObject({ written: true });
    expect(await store.append('s-1', [event], 'no_stream')).toMatchObject({ written: false });
  });
});
