const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/**
 * Reads the moment an auditor asks about: an ISO-8601 date-time with a zone (`Z` or an offset), so that it means
 * the same everywhere. Null for anything else, including dates that do not exist (which Date would roll over).
 */
export function parseMoment(text: string): Date | null {
  const match = DATE_TIME.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  const moment = new Date(text);
  return Number.isNaN(moment.getTime()) ? null : moment;
}

export const MOMENT_FORMAT = 'an ISO-8601 date-time with a zone, e.g. 2026-06-01T12:00:00Z';
