import { systemClock } from '../src';

describe('systemClock', () => {
  afterEach(() => jest.restoreAllMocks());

  it('answers the ISO time of the current millisecond, formatted once per millisecond', () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(Date.UTC(2026, 10, 29, 21, 50, 0, 123));
    const formatted = jest.spyOn(Date.prototype, 'toISOString');
    expect(systemClock.now()).toBe('2026-11-29T21:50:00.123Z');
    expect(systemClock.now()).toBe('2026-11-29T21:50:00.123Z');
    expect(formatted).toHaveBeenCalledTimes(1);
    now.mockReturnValue(Date.UTC(2026, 10, 29, 21, 50, 0, 124));
    expect(systemClock.now()).toBe('2026-11-29T21:50:00.124Z');
    expect(formatted).toHaveBeenCalledTimes(2);
  });

  it('follows the real time', () => {
    const before = Date.now();
    const answered = Date.parse(systemClock.now());
    expect(answered).toBeGreaterThanOrEqual(before);
    expect(answered).toBeLessThanOrEqual(Date.now());
  });
});
