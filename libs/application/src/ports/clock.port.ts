/** The one place the application reads the time; commands carry it into the domain. Tests may provide another. */
export const CLOCK = Symbol('CLOCK');

export interface Clock {
  now(): string;
}

/**
 * The system's time as an ISO string, made once per millisecond: every command and request of a busy millisecond
 * asks (`new Date().toISOString()` was 1% of a usage record's CPU), and they all get the same answer anyway.
 */
export const systemClock: Clock = (() => {
  let lastMs = Number.NaN;
  let lastIso = '';
  return {
    now: () => {
      const ms = Date.now();
      if (ms !== lastMs) {
        lastIso = new Date(ms).toISOString();
        lastMs = ms;
      }
      return lastIso;
    },
  };
})();
