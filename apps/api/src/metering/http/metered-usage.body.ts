import { ProblemException } from '../../problem/problem';

export const MAX_RECORDS_PER_BATCH = 1000;

/**
 * The body is one record, `{usageId, service, quantity, occurredAt}`, or a batch, `{records: [...]}`, either with an
 * optional `commandId`. Only the shape is checked here (unknown fields are refused, as on every other route); each
 * record's content is judged by the domain, record by record.
 */
export function usageRecordsOf(body: unknown): { records: unknown[]; batch: boolean; commandId?: unknown } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badBody([['body', 'the body must be a JSON object']]);
  const { records, commandId, ...rest } = body as Record<string, unknown>;
  if (records === undefined) {
    const unknown = unknownOf(rest, '');
    if (unknown.length > 0) throw badBody(unknown);
    return { records: [rest], batch: false, commandId };
  }
  if (!Array.isArray(records) || records.length === 0 || records.length > MAX_RECORDS_PER_BATCH) {
    throw badBody([['records', `records must be an array of 1 to ${MAX_RECORDS_PER_BATCH} usage records`]]);
  }
  const unknown = Object.keys(rest).map((field): [string, string] => [named(field), 'unknown field']);
  // Field names are listed only for records that have an unknown one: a valid batch of 1,000 builds nothing here.
  records.forEach((record, index) => {
    if (hasUnknownField(record)) unknown.push(...unknownOf(record, `records[${index}].`));
  });
  if (unknown.length > 0) throw badBody(unknown);
  return { records, batch: true, commandId };
}

function hasUnknownField(record: unknown): boolean {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return false;
  for (const field in record) if (Object.hasOwn(record, field) && !isRecordField(field)) return true;
  return false;
}

/**
 * A record's fields: `usageId`, `service`, `quantity`, `occurredAt`. Four comparisons inline rather than an array's
 * `includes`, a call for each member of each record (4,000 per batch of 1,000; a parsed body's keys are internalised
 * strings, so each comparison is mostly a pointer's).
 */
function isRecordField(field: string): boolean {
  return field === 'usageId' || field === 'service' || field === 'quantity' || field === 'occurredAt';
}

function unknownOf(record: unknown, at: string): Array<[string, string]> {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return [];
  return Object.keys(record)
    .filter((field) => !isRecordField(field))
    .map((field) => [`${at}${named(field)}`, 'unknown field']);
}

/** A field name as the answer repeats it: the caller chose it, so it is capped. */
function named(field: string): string {
  return field.length > 64 ? `${field.slice(0, 64)}…` : field;
}

function badBody(fields: Array<[field: string, message: string]>): ProblemException {
  const errors = fields.map(([field, message]) => ({ field, messages: [message] }));
  return ProblemException.of(
    400,
    'invalid-request',
    'Invalid request',
    fields.map(([field, message]) => `${field}: ${message}`).join('; '),
    { errors },
  );
}
