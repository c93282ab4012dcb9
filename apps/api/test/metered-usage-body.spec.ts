import { usageRecordsOf } from '../src/metering/http/metered-usage.body';
import { ProblemException } from '../src/problem/problem';

/** The metered-usage body's shape check: exactly the four record fields pass (issue 15, goal 4 made it cheaper). */
describe('usageRecordsOf', () => {
  const record = { usageId: 'u1', service: 'chat-sessions', quantity: 1, occurredAt: '2026-11-30T00:00:00Z' };
  const refusal = (body: unknown) => {
    try {
      usageRecordsOf(body);
    } catch (error) {
      if (error instanceof ProblemException) return error.problem;
      throw error;
    }
    throw new Error('not refused');
  };

  it('takes records of the four fields, in any order, and a single record', () => {
    const reordered = { occurredAt: record.occurredAt, quantity: 1, service: 'storage', usageId: 'u2' };
    expect(usageRecordsOf({ records: [record, reordered], commandId: 'c' })).toEqual({
      records: [record, reordered],
      batch: true,
      commandId: 'c',
    });
    expect(usageRecordsOf(record)).toEqual({ records: [record], batch: false, commandId: undefined });
    // Fields left out are the domain's to judge, record by record: the shape check only refuses extra ones.
    expect(usageRecordsOf({ records: [{ usageId: 'u3' }] }).records).toEqual([{ usageId: 'u3' }]);
  });

  it('lists every unknown field of every record, by its path, near misses and inherited names included', () => {
    const body = JSON.parse(
      JSON.stringify({
        records: [record, { ...record, usageid: 'x' }, { ...record, Service: 's', extra: 1 }, record],
        other: true,
      }).replace('"extra"', '"__proto__"'),
    ) as unknown;
    const problem = refusal(body);
    expect(problem).toMatchObject({ status: 400, type: '/problems/invalid-request' });
    expect(problem.errors).toEqual([
      { field: 'other', messages: ['unknown field'] },
      { field: 'records[1].usageid', messages: ['unknown field'] },
      { field: 'records[2].Service', messages: ['unknown field'] },
      { field: 'records[2].__proto__', messages: ['unknown field'] },
    ]);
    expect(refusal({ ...record, constructor: 1 }).errors).toEqual([
      { field: 'constructor', messages: ['unknown field'] },
    ]);
  });
});
