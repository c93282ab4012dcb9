import { CompactIdSet } from '../src/shared/compact-id-set';

describe('CompactIdSet', () => {
  it('adds each id once (answering whether it was new), keeps them all through growth, finds no other', () => {
    const set = CompactIdSet.empty(16);
    const startBytes = set.byteLength;
    const ids = Array.from({ length: 20_000 }, (_, index) => `usage-${index}`);
    for (const id of ids) expect(set.addIfAbsent(id)).toBe(true);
    expect(set.size).toBe(ids.length);
    expect(set.byteLength).toBeGreaterThan(startBytes);
    for (const id of ids) expect(set.addIfAbsent(id)).toBe(false);
    set.add(ids[0]);
    expect(set.size).toBe(ids.length);
    expect(ids.every((id) => set.has(id))).toBe(true);
    expect(ids.some((id) => set.has(`${id}-other`))).toBe(false);
  });

  it('does not grow for a repeat at the load limit', () => {
    const set = CompactIdSet.empty(16);
    let added = 0;
    // Fill up to the last id that fits before the table grows (70 % of 32 slots: 22 ids).
    while ((added + 2) * 10 <= 32 * 7) set.add(`id-${added++}`);
    const bytes = set.byteLength;
    set.add(`id-${added}`);
    expect(set.byteLength).toBe(bytes);
    expect(set.addIfAbsent('id-0')).toBe(false);
    expect(set.byteLength).toBe(bytes);
    expect(set.addIfAbsent('new')).toBe(true);
    expect(set.byteLength).toBe(bytes * 2);
  });

  it('loads an aligned table where it lies and copies a misaligned one', () => {
    const set = CompactIdSet.empty(16).add('a').add('b');
    const file = new Uint8Array(set.byteLength + 16);
    for (const at of [8, 5]) {
      file.set(set.bytes(), at);
      const loaded = CompactIdSet.fromBytes(file.subarray(at, at + set.byteLength), set.size);
      expect(loaded.has('a') && loaded.has('b') && !loaded.has('c')).toBe(true);
      expect(loaded.bytes().buffer === file.buffer).toBe(at % 4 === 0);
    }
  });
});
