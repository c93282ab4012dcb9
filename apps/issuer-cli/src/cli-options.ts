import { InvalidArgumentError } from 'commander';
import { OWNER_NAME_PATTERN, OWNER_NAME_RULE } from '@app/domain/shared/identifiers';

/** Commander parsers: a bad value becomes commander's one-line "option ... argument ... is invalid" error. */
export function positiveInteger(value: string): number {
  if (!/^[1-9][0-9]*$/.test(value)) throw new InvalidArgumentError('expected a positive whole number.');
  return Number(value);
}

export function isoTime(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError('expected an ISO-8601 time such as 2026-03-01T12:00:00Z.');
  }
  return date;
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Owner names are upper-case A–Z/0–9 (DESIGN.md §2): the domain's rule, the one the backend checks too. */
export const OWNER_NAME = OWNER_NAME_PATTERN;

export function ownerName(value: string): string {
  if (!OWNER_NAME.test(value)) throw new InvalidArgumentError(`${OWNER_NAME_RULE}.`);
  return value;
}

const DAY_MS = 24 * 60 * 60 * 1000;
// Backdated a little so that a certificate used right away is not "not yet valid" on a server whose clock lags.
const CLOCK_SKEW_MS = 5 * 60 * 1000;

export function validityFor(now: Date, days: number): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(now.getTime() - CLOCK_SKEW_MS), notAfter: new Date(now.getTime() + days * DAY_MS) };
}
