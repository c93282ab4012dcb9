import type { MeteringMonthView } from '@app/projections';
import { ProblemException } from '../../problem/problem';

/** The invoice lines of a month as CSV (RFC 4180): a header row, then one row per service and per adjustment. */

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8; header=present';
const COLUMNS = [
  'tenant',
  'month',
  'closed',
  'users',
  'service',
  'unit',
  'total',
  'threshold',
  'overage',
  'adjusts',
] as const;

export function meteringCsv(tenant: string, view: MeteringMonthView): string {
  const row = (line: MeteringMonthView['services'][number]) => [
    tenant,
    view.month,
    view.closed,
    view.users,
    line.service,
    line.unit,
    line.total,
    line.threshold,
    line.overage,
    line.adjusts ?? '',
  ];
  const rows = [[...COLUMNS], ...view.services.map(row), ...view.adjustments.map(row)];
  // CRLF after every record, the last included (RFC 4180 §2.1–2.2).
  return rows.map((fields) => fields.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** A field is quoted when it holds a comma, a quote or a line break; quotes inside are doubled (RFC 4180 §2.6–2.7). */
export function csvField(value: unknown): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV when `?format=csv`, or when no format is given and the Accept header asks for text/csv before JSON. */
export function wantsCsv(format: string | undefined, accept: string | undefined): boolean {
  if (format !== undefined) {
    if (format === 'csv') return true;
    if (format === 'json') return false;
    throw ProblemException.of(400, 'bad-request', 'Bad request', 'format must be csv or json', {
      errors: [{ field: 'format', messages: ['csv or json'] }],
    });
  }
  const types = (accept ?? '').split(',').map((part) => part.split(';')[0].trim().toLowerCase());
  const csv = types.indexOf('text/csv');
  const json = types.findIndex((type) => type === 'application/json' || type === 'application/*');
  return csv !== -1 && (json === -1 || csv < json);
}
