import { EventDecodingError, StoredEvent } from '../src/shared/event-codec';
import { decodeMeteringEvent } from '../src/metering/metering.codec';

/**
 * A batch's MeteredUsageRecorded holds 1,000 records: in the current shape it is decoded as it is, not copied record
 * by record by the schema (issue 15, goal 4: the copies were a twelfth of a batch's garbage). Anything else still
 * goes through the schema: stripped, or refused with the schema's words.
 */
describe('decoding MeteredUsageRecorded', () => {
  const record = (usageId: string) => ({
    usageId,
    service: 'chat-sessions',
    quantity: 2,
    occurredAt: '2026-11-20T10:00:00Z',
  });
  const stored = (data: Record<string, unknown>): StoredEvent => ({
    stream: 'metering-Cust12345-2026-11',
    revision: 4,
    type: 'MeteredUsageRecorded',
    data,
    metadata: {},
  });
  const data = () => ({
    tenantId: 'Cust12345',
    month: '2026-11',
    users: 3,
    records: [record('a'), record('b')],
    at: '2026-11-20T10:00:01.000Z',
  });

  it('answers data in the current shape as it is: the very records, uncopied', () => {
    const sent = data();
    const decoded = decodeMeteringEvent(stored(sent));
    expect(decoded).toEqual({ type: 'MeteredUsageRecorded', data: sent });
    expect(decoded.data).toBe(sent);
  });

  it('leaves anything else to the schema: extra members stripped, other instants and bad records judged by it', () => {
    const extra = { ...data(), records: [{ ...record('a'), note: 'x' }], comment: 'y' };
    const stripped = decodeMeteringEvent(stored(extra));
    expect(stripped).toEqual({ type: 'MeteredUsageRecorded', data: { ...data(), records: [record('a')] } });
    expect(stripped.data).not.toBe(extra);
    const offset = { ...data(), at: '2026-11-20T11:00:01+01:00' };
    expect(decodeMeteringEvent(stored(offset)).data).toEqual(offset);
    for (const broken of [
      { ...data(), records: [{ ...record('a'), quantity: 'two' }] },
      { ...data(), records: [{ ...record('a'), service: 'teleportation' }] },
      { ...data(), users: Number.POSITIVE_INFINITY },
      { ...data(), tenantId: '' },
    ]) {
      expect(() => decodeMeteringEvent(stored(broken))).toThrow(EventDecodingError);
    }
    expect(() => decodeMeteringEvent(stored({ ...data(), records: [{ ...record('a'), quantity: 'two' }] }))).toThrow(
      /records\.0\.quantity: /,
    );
  });
});
