import { ProblemException } from '../../problem/problem';

export const MAX_RECORDS_PER_BATCH = 1000;

/**
 * The body is one record, `{usageId, service, quantity, occurredAt}`, or a batch, `{records: [...]}`. Only the
 * shape is checked here; each record's content is judged by the domain, record by record.
 */
export function usageRecordsOf(body: unknown): { records: unknown[]; batch: boolean; commandId?: unknown } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badBody('the body must be a JSON object');
  const { records, commandId, ...rest } = body as Record<string, unknown>;
  if (records === undefined) return { records: [rest], batch: false, commandId };
  if (!Array.isArray(records) || records.length === 0 || records.length > MAX_RECORDS_PER_BATCH) {
    throw badBody(`records must be an array of 1 to ${MAX_RECORDS_PER_BATCH} usage records`, 'records');
  }
  return { records, batch: true, commandId };
}

function badBody(detail: string, field = 'body'): ProblemException {
  return ProblemException.of(400, 'validation-failed', 'Validation failed', detail, { errors: [{ field, messages: [detail] }] });
}
