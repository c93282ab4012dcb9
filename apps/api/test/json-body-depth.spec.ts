import { depthExceeds, MAX_BODY_DEPTH } from '../src/common/json-body-parser';

/**
 * The body's depth check, walked without allocating (issue 15, goal 4: it was the largest allocation of a
 * batch of 1,000 usage records). What it counts must not change: objects and arrays nest, values do not.
 */
describe('depthExceeds', () => {
  const objects = (depth: number): unknown => (depth === 1 ? { leaf: 'x' } : { a: objects(depth - 1) });
  const arrays = (depth: number): unknown => {
    let value: unknown = [1, 'x', null];
    for (let level = 1; level < depth; level++) value = [0, value];
    return value;
  };

  it('takes a body exactly MAX_BODY_DEPTH levels deep, of objects or arrays or both, and refuses one level more', () => {
    for (const nest of [objects, arrays]) {
      expect(depthExceeds(nest(MAX_BODY_DEPTH), MAX_BODY_DEPTH)).toBe(false);
      expect(depthExceeds(nest(MAX_BODY_DEPTH + 1), MAX_BODY_DEPTH)).toBe(true);
    }
    // Levels: the body 1, records 2, a record 3, tags 4, a tag 5, then `deep`'s own from 6.
    const mixed = { records: [{ tags: [{ deep: objects(MAX_BODY_DEPTH - 5) }] }] };
    expect(depthExceeds(mixed, MAX_BODY_DEPTH)).toBe(false);
    expect(depthExceeds({ records: [{ tags: [{ deep: objects(MAX_BODY_DEPTH - 4) }] }] }, MAX_BODY_DEPTH)).toBe(true);
  });

  it('counts no level for values, empty objects and arrays alike, and finds a deep member after many flat ones', () => {
    expect(depthExceeds({ a: 1, b: 'two', c: null, d: true }, 1)).toBe(false);
    expect(depthExceeds({ a: {} }, 1)).toBe(true);
    expect(depthExceeds({ a: [] }, 2)).toBe(false);
    const wide = { records: Array.from({ length: 1000 }, (_, index) => ({ usageId: `u-${index}`, quantity: 1 })) };
    expect(depthExceeds(wide, 3)).toBe(false);
    expect(depthExceeds(wide, 2)).toBe(true);
    expect(depthExceeds({ records: [...wide.records, { nested: objects(40) }] }, MAX_BODY_DEPTH)).toBe(true);
    // Deep enough to overflow a walk that went all the way down: this one stops one level past the limit.
    expect(depthExceeds(arrays(100_000), MAX_BODY_DEPTH)).toBe(true);
  });
});
