/** The one place the application reads the time; commands carry it into the domain. Tests may provide another. */
export const CLOCK = Symbol('CLOCK');

export interface Clock {
  now(): string;
}

export const systemClock: Clock = { now: () => new Date().toISOString() };
