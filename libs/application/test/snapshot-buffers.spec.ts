import type { StateCodec } from '@app/domain';
import { CompactIdSet } from '@app/domain';
import type { SnapshotStore, StoredSnapshot } from '@app/event-store';
import { CommandMemory, UNBOUNDED } from '../src/command-memory';
import { SnapshotBuffers } from '../src/snapshot-buffers';
import { SnapshotPoint, StreamSnapshots } from '../src/stream-snapshots';

/**
 * Snapshot states are encoded into buffers reused once their save settled: touching fresh memory for a month's
 * table of megabytes was the cost, not the copy. Counted here: buffers allocated against snapshots saved.
 */
describe('SnapshotBuffers', () => {
  it('never keeps memory it did not make: bytes a codec made itself may share a slab with other buffers', () => {
    const buffers = new SnapshotBuffers();
    const pooled = Buffer.from('a small state'); // from Node's shared 8 kB pool
    buffers.give(pooled);
    expect(buffers.take(100).buffer).not.toBe(pooled.buffer);
  });

  it('hands back a given buffer for the next take that fits, never one still taken', () => {
    const buffers = new SnapshotBuffers();
    const first = buffers.take(1000);
    const second = buffers.take(1000);
    expect(second.buffer).not.toBe(first.buffer);
    expect(first.byteLength).toBe(1000);
    buffers.give(first);
    // A quarter of room was allocated: a state that grew a little still fits.
    const third = buffers.take(1200);
    expect(third.buffer).toBe(first.buffer);
    expect(third.byteLength).toBe(1200);
    expect(buffers.take(1000).buffer).not.toBe(third.buffer);
    expect(buffers.allocated).toBe(3);
  });

  it('keeps at most its bound of free bytes, the largest buffers first', () => {
    const buffers = new SnapshotBuffers(3000);
    const small = buffers.take(800); // 1,000 allocated
    const large = buffers.take(1600); // 2,000 allocated
    const huge = buffers.take(4000); // above the bound: never kept
    buffers.give(small);
    buffers.give(large);
    buffers.give(huge);
    expect(buffers.take(1500).buffer).toBe(large.buffer);
    expect(buffers.take(700).buffer).toBe(small.buffer);
    expect(buffers.take(3500).buffer).not.toBe(huge.buffer);
    const again = new SnapshotBuffers(2500);
    const a = again.take(800);
    const b = again.take(1600);
    again.give(a);
    again.give(b); // 1,000 + 2,000 > 2,500: the smaller one goes
    expect(again.take(100).buffer).toBe(b.buffer);
  });
});

interface Counted {
  type: 'Counted';
  data: { id: string };
}
const ids: StateCodec<CompactIdSet, Counted> = {
  version: 1,
  encode(state, allocate = (n) => new Uint8Array(n)) {
    const bytes = allocate(state.byteLength);
    bytes.set(state.bytes());
    return bytes;
  },
  decode: (bytes) => CompactIdSet.fromBytes(bytes, 0),
  stateBytes: (state) => state.byteLength,
  eventBytes: () => 100_000,
};

describe('StreamSnapshots', () => {
  it("encodes a growing stream's snapshots into reused buffers: one allocation per doubling of the state, not one per snapshot", async () => {
    const saved: StoredSnapshot[] = [];
    // As the port asks: the store keeps none of the bytes it was given (here: copies).
    const store: SnapshotStore = {
      load: () => Promise.resolve(null),
      save: (snapshot) => {
        saved.push({ ...snapshot, state: snapshot.state.slice() });
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    };
    const snapshots = new StreamSnapshots({ store }, ids);
    const point: SnapshotPoint<CompactIdSet, Counted> = {
      state: CompactIdSet.empty(),
      revision: 0,
      lastPosition: null,
      lastHash: null,
      commands: new CommandMemory<Counted>(UNBOUNDED, ids.eventBytes),
      tailBytes: 0,
    };
    for (let revision = 0; revision < 40; revision++) {
      for (let n = 0; n < 50; n++) point.state.add(`id-${revision}-${n}`);
      point.revision = revision;
      point.tailBytes += 300_000; // every turn is due
      snapshots.saveIfDue('s', point);
      await snapshots.saved();
      expect(Buffer.from(saved[saved.length - 1].state)).toEqual(Buffer.from(point.state.bytes()));
    }
    expect(saved).toHaveLength(40);
    const doublings = Math.log2(point.state.byteLength / CompactIdSet.empty().byteLength);
    expect(snapshots.buffers.allocated).toBeLessThanOrEqual(doublings + 1);
  });
});
