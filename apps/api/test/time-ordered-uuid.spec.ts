import crypto from 'node:crypto';
import { validate, version } from 'uuid';
import { timeOrderedUuid } from '../src/common/time-ordered-uuid';

/** Fresh command ids (issue 15, goal 4): uuid's version 7, from random bytes drawn in bulk. */
describe('timeOrderedUuid', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is a version-7 UUID whose first 48 bits are the time it was made, in milliseconds', () => {
    const before = Date.now();
    const id = timeOrderedUuid();
    const after = Date.now();
    expect(validate(id)).toBe(true);
    expect(version(id)).toBe(7);
    expect(id).toBe(id.toLowerCase());
    expect(id[19]).toMatch(/[89ab]/); // RFC 9562 variant
    const millis = Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    expect(millis).toBeGreaterThanOrEqual(before);
    expect(millis).toBeLessThanOrEqual(after);
  });

  it('never gives an id twice, across many refills of its pool', () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => timeOrderedUuid()));
    expect(ids.size).toBe(20_000);
  });

  it('draws its random bytes in bulk: one refill per 256 ids (uuid alone refills every 16)', () => {
    const fill = jest.spyOn(crypto, 'randomFillSync');
    for (let i = 0; i < 1024; i++) timeOrderedUuid();
    // 1,024 ids: four refills, or five if the pool was part-used before.
    expect(fill.mock.calls.length).toBeGreaterThanOrEqual(4);
    expect(fill.mock.calls.length).toBeLessThanOrEqual(5);
    for (const [buffer] of fill.mock.calls) expect((buffer as Uint8Array).byteLength).toBe(4096);
  });

  it('gives ids of one millisecond random bits of their own, not a shared prefix and a counter', () => {
    jest.spyOn(Date, 'now').mockReturnValue(1_780_000_000_000);
    const ids = Array.from({ length: 64 }, () => timeOrderedUuid());
    expect(new Set(ids.map((id) => id.slice(0, 13))).size).toBe(1);
    // The last 12 hex digits (48 random bits) differ between every two ids.
    expect(new Set(ids.map((id) => id.slice(24))).size).toBe(64);
  });
});
