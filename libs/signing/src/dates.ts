/** Dates arrive from callers as Date objects or ISO-8601 strings; the library never reads the clock itself. */
export type DateInput = Date | string;

export function toDate(value: DateInput, what: string): Date {
  const date = value instanceof Date ? new Date(value.getTime()) : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`${what} is not a valid date: ${String(value)}`);
  return date;
}
