import { v7, validate, version } from 'uuid';
import { timeOrderedUuid } from '../src/common/time-ordered-uuid';

describe('timeOrderedUuid (fresh command ids)', () => {
  const NOW = Date.UTC(2026, 10, 30, 17, 45, 12, 345);

  it('is a UUID of version 7 with the RFC variant', () => {
    const id = timeOrderedUuid(NOW);
    expect(validate(id)).toBe(true);
    expect(version(id)).toBe(7);
    expect('89ab').toContain(id[19]);
  });

  it("carries the time in uuid's v7 layout (its first 48 bits are the milliseconds)", () => {
    const ours = timeOrderedUuid(NOW);
    const theirs = v7({ msecs: NOW });
    expect(ours.slice(0, 13)).toBe(theirs.slice(0, 13));
    expect(parseInt(ours.slice(0, 8) + ours.slice(9, 13), 16)).toBe(NOW);
    expect(timeOrderedUuid(0).slice(0, 13)).toBe('00000000-0000');
  });

  it('takes the clock when no time is given', () => {
    const before = Date.now();
    const id = timeOrderedUuid();
    const at = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
  });

  it('draws its other 74 bits at random: ids of one millisecond differ, and every random digit varies', () => {
    const ids = Array.from({ length: 10_000 }, () => timeOrderedUuid(NOW));
    expect(new Set(ids).size).toBe(ids.length);
    const randomDigits = [15, 16, 17, 20, 21, 22, ...Array.from({ length: 12 }, (_, i) => 24 + i)];
    for (const at of randomDigits) expect(new Set(ids.map((id) => id[at])).size).toBe(16);
  });

  it('sorts ids of later milliseconds after earlier ones', () => {
    const ids = [0, 1, 2, 1000, 65_536].map((offset) => timeOrderedUuid(NOW + offset));
    expect([...ids].sort()).toEqual(ids);
  });
});
