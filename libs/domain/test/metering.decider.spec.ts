import { fold, isRefusal } from '../src/shared/decider';
import { MeteringThresholds } from '../src/metering/metered-services';
import { LateOrigin, MeteringCommand, MonthClosedContext, usageOutcome } from '../src/metering/metering.decide';
import { metering } from '../src/metering/metering.decider';
import { MeteringEvent } from '../src/metering/metering.events';
import { sortUsageRecords, usageRecordProblems, UsageRecord } from '../src/metering/usage-record';
import { specFor } from './decider-spec';

const given = specFor(metering);
const TENANT = 'Cust12345';
const MONTH = '2026-09';
const IN_MONTH = '2026-09-10T12:00:00.000Z';
const DURING = '2026-09-20T08:00:00.000Z';
const AFTER = '2026-10-02T08:00:00.000Z';
/** The tenant's first package: before the metered month. */
const SINCE = '2026-01-05T09:00:00.000Z';
const THRESHOLDS: MeteringThresholds = {
  storage: { base: 10, perUser: 1 },
  'mailing-emails': { base: 1000, perUser: 100 },
  'customer-centre-logins': { base: 500, perUser: 10 },
  'chat-sessions': { base: 100, perUser: 5 },
  'form-submissions': { base: 200, perUser: 2 },
};

const usage = (
  usageId: string,
  service: UsageRecord['service'],
  quantity: number,
  occurredAt = IN_MONTH,
): UsageRecord => ({ usageId, service, quantity, occurredAt });
const facts = (now = DURING, activeUsers = 0, tenantSince: string | null = SINCE) => ({
  now,
  actor: 'svc',
  activeUsers,
  thresholds: THRESHOLDS,
  tenantSince,
});
const record = (
  records: UsageRecord[],
  options: { now?: string; users?: number; month?: string; late?: LateOrigin; tenantSince?: string | null } = {},
): MeteringCommand => ({
  type: 'RecordMeteredUsage',
  data: { tenantId: TENANT, month: options.month ?? MONTH, records, ...(options.late ? { late: options.late } : {}) },
  metadata: facts(options.now, options.users, options.tenantSince === undefined ? SINCE : options.tenantSince),
});
const close = (now = AFTER, month = MONTH, tenantSince: string | null = SINCE): MeteringCommand => ({
  type: 'CloseMeteringMonth',
  data: { tenantId: TENANT, month },
  metadata: { now, actor: 'svc', thresholds: THRESHOLDS, tenantSince },
});
const recorded = (records: UsageRecord[], users = 0, at = DURING, month = MONTH): MeteringEvent => ({
  type: 'MeteredUsageRecorded',
  data: { tenantId: TENANT, month, users, records, at },
});
const closedEvent = (history: MeteringEvent[], now = AFTER) => {
  const events = metering.decide(close(now), fold(metering, history));
  if (isRefusal(events)) throw new Error(events.detail);
  return events;
};
const stateOf = (history: MeteringEvent[]) => fold(metering, history);

describe('metering decider', () => {
  describe('recording usage', () => {
    it('records the usage of the month with the users seen', () =>
      given([])
        .when(record([usage('u1', 'mailing-emails', 40)], { users: 3 }))
        .then([recorded([usage('u1', 'mailing-emails', 40)], 3)]));

    it('sums counts over the month', () => {
      const state = stateOf([
        recorded([usage('u1', 'chat-sessions', 4)]),
        recorded([usage('u2', 'chat-sessions', 6), usage('u3', 'chat-sessions', 1)]),
      ]);
      expect(state.totals['chat-sessions']).toBe(11);
    });

    it('keeps the maximum of storage, a level, not the sum', () => {
      const state = stateOf([
        recorded([usage('s1', 'storage', 12)]),
        recorded([usage('s2', 'storage', 30), usage('s3', 'storage', 7)]),
      ]);
      expect(state.totals.storage).toBe(30);
    });

    it('accepts zero storage but refuses zero of a count', () => {
      given([])
        .when(record([usage('s0', 'storage', 0)]))
        .thenMatches([{ type: 'MeteredUsageRecorded' }]);
      given([])
        .when(record([usage('c0', 'chat-sessions', 0)]))
        .thenRefuses('invalid-usage', { usageId: 'c0' });
    });

    it.each([
      [
        'an unknown service',
        { usageId: 'x', service: 'fax-pages', quantity: 1, occurredAt: IN_MONTH },
        /not a metered service/,
      ],
      [
        'a negative quantity',
        { usageId: 'x', service: 'chat-sessions', quantity: -1, occurredAt: IN_MONTH },
        /above zero/,
      ],
      [
        'a negative storage level',
        { usageId: 'x', service: 'storage', quantity: -1, occurredAt: IN_MONTH },
        /not be negative/,
      ],
      [
        'an infinite quantity',
        { usageId: 'x', service: 'chat-sessions', quantity: Infinity, occurredAt: IN_MONTH },
        /finite/,
      ],
      ['NaN', { usageId: 'x', service: 'chat-sessions', quantity: NaN, occurredAt: IN_MONTH }, /finite/],
      [
        'a quantity that is a string',
        { usageId: 'x', service: 'chat-sessions', quantity: '3', occurredAt: IN_MONTH },
        /finite/,
      ],
      [
        'a time more than 5 minutes ahead',
        { usageId: 'x', service: 'chat-sessions', quantity: 1, occurredAt: '2026-09-20T08:05:01.000Z' },
        /future/,
      ],
      [
        'a time without a zone',
        { usageId: 'x', service: 'chat-sessions', quantity: 1, occurredAt: '2026-09-20T08:00:00' },
        /ISO-8601/,
      ],
      ['no usage id', { service: 'chat-sessions', quantity: 1, occurredAt: IN_MONTH }, /usageId/],
    ])('refuses %s', (_, candidate, reason) => {
      expect(usageRecordProblems(candidate, DURING).join('; ')).toMatch(reason);
      given([])
        .when(record([candidate as UsageRecord]))
        .thenRefuses('invalid-usage');
    });

    it('accepts a time up to 5 minutes ahead (clock skew)', () =>
      given([])
        .when(record([usage('x', 'chat-sessions', 1, '2026-09-20T08:05:00.000Z')]))
        .thenMatches([{ type: 'MeteredUsageRecorded' }]));

    it('refuses records of another month (a routing error)', () =>
      given([])
        .when(record([usage('x', 'chat-sessions', 1, '2026-08-31T23:59:59.000Z')]))
        .thenRefuses('wrong-month'));

    it('sorts a batch by UTC month and names each bad record with its reasons, keeping the valid ones', () => {
      const { byMonth, problems } = sortUsageRecords(
        [
          usage('a', 'chat-sessions', 1, '2026-09-30T23:30:00-02:00'),
          { usageId: 'b', service: 'nope', quantity: 1, occurredAt: IN_MONTH },
          usage('c', 'storage', 2),
        ],
        AFTER,
      );
      expect([...byMonth.keys()].sort()).toEqual(['2026-09', '2026-10']);
      expect(byMonth.get('2026-10')?.map((r) => r.usageId)).toEqual(['a']);
      expect(problems).toEqual([{ index: 1, usageId: 'b', reasons: ["service 'nope' is not a metered service"] }]);
    });
  });

  describe('idempotency by usage id', () => {
    it('does not count a usage id twice across commands', () =>
      given([recorded([usage('u1', 'chat-sessions', 4)])])
        .when(record([usage('u1', 'chat-sessions', 4)]))
        .then([]));

    it('does not count a usage id twice within one batch', () =>
      given([])
        .when(
          record([usage('u1', 'chat-sessions', 4), usage('u1', 'chat-sessions', 4), usage('u2', 'chat-sessions', 1)]),
        )
        .then([recorded([usage('u1', 'chat-sessions', 4), usage('u2', 'chat-sessions', 1)])]));

    it('tells accepted from duplicates', () => {
      const records = [
        usage('u1', 'chat-sessions', 4),
        usage('u2', 'chat-sessions', 1),
        usage('u2', 'chat-sessions', 1),
      ];
      const events = metering.decide(
        record(records),
        stateOf([recorded([usage('u1', 'chat-sessions', 4)])]),
      ) as MeteringEvent[];
      expect(usageOutcome(records, events)).toEqual({ accepted: 1, duplicates: 2 });
    });
  });

  describe('thresholds', () => {
    it('emits the first crossing of a service in the month, with the threshold of the users seen', () =>
      given([recorded([usage('u1', 'chat-sessions', 100)], 2)])
        .when(record([usage('u2', 'chat-sessions', 11)], { users: 2 }))
        .then([
          recorded([usage('u2', 'chat-sessions', 11)], 2),
          {
            type: 'MeteringThresholdExceeded',
            data: {
              tenantId: TENANT,
              month: MONTH,
              service: 'chat-sessions',
              total: 111,
              threshold: 110,
              users: 2,
              at: DURING,
            },
          },
        ]));

    it('does not emit a crossing at the threshold exactly', () =>
      given([])
        .when(record([usage('u1', 'chat-sessions', 110)], { users: 2 }))
        .then([recorded([usage('u1', 'chat-sessions', 110)], 2)]));

    it('emits a crossing only once per service and month', () => {
      const history = [
        recorded([usage('u1', 'chat-sessions', 200)]),
        ...(metering.decide(
          record([usage('u2', 'chat-sessions', 1)]),
          stateOf([recorded([usage('u1', 'chat-sessions', 200)])]),
        ) as MeteringEvent[]),
      ];
      expect(history.map((e) => e.type)).toEqual([
        'MeteredUsageRecorded',
        'MeteredUsageRecorded',
        'MeteringThresholdExceeded',
      ]);
      given(history)
        .when(record([usage('u3', 'chat-sessions', 50)]))
        .then([recorded([usage('u3', 'chat-sessions', 50)])]);
    });

    it('grows the threshold with the highest number of users seen in the month, not the current one', () => {
      // 10 users were seen earlier: threshold 100 + 5 × 10 = 150, though only 1 user holds a plan now.
      given([recorded([usage('u1', 'chat-sessions', 100)], 10)])
        .when(record([usage('u2', 'chat-sessions', 50)], { users: 1 }))
        .then([recorded([usage('u2', 'chat-sessions', 50)], 10)]);
    });

    it('measures storage against its threshold as a level', () =>
      given([recorded([usage('s1', 'storage', 9)])])
        .when(record([usage('s2', 'storage', 11)]))
        .thenMatches([
          { type: 'MeteredUsageRecorded' },
          { type: 'MeteringThresholdExceeded', data: { service: 'storage', total: 11, threshold: 10 } },
        ]));
  });

  describe('closing a month', () => {
    it('fixes the invoice lines of every service: total, threshold, overage', () => {
      const [event] = closedEvent([
        recorded([usage('u1', 'chat-sessions', 130), usage('s1', 'storage', 8), usage('s2', 'storage', 14)], 2),
      ]);
      expect(event).toMatchObject({ type: 'MeteringMonthClosed', data: { month: MONTH, users: 2, closedAt: AFTER } });
      const lines = (event as Extract<MeteringEvent, { type: 'MeteringMonthClosed' }>).data.lines;
      expect(lines).toEqual([
        { service: 'storage', unit: 'GB', total: 14, threshold: 12, overage: 2 },
        { service: 'mailing-emails', unit: 'emails', total: 0, threshold: 1200, overage: 0 },
        { service: 'customer-centre-logins', unit: 'logins', total: 0, threshold: 520, overage: 0 },
        { service: 'chat-sessions', unit: 'sessions', total: 130, threshold: 110, overage: 20 },
        { service: 'form-submissions', unit: 'submissions', total: 0, threshold: 204, overage: 0 },
      ]);
    });

    it('changes nothing when closed twice', () => {
      const history = [
        recorded([usage('u1', 'chat-sessions', 130)]),
        ...closedEvent([recorded([usage('u1', 'chat-sessions', 130)])]),
      ];
      given(history).when(close('2026-11-01T00:00:00.000Z')).then([]);
    });

    it('refuses to close a month that has not ended', () =>
      given([]).when(close('2026-09-30T23:59:59.999Z')).thenRefuses('month-not-ended', { month: MONTH }));

    it('closes a month without usage, so that late usage has a month to be carried from', () =>
      expect(closedEvent([])[0]).toMatchObject({ type: 'MeteringMonthClosed', data: { users: 0 } }));
  });

  describe('late usage', () => {
    const september = [recorded([usage('u1', 'chat-sessions', 100), usage('s1', 'storage', 11)], 0)];
    const closedSeptember = [...september, ...closedEvent(september)];

    it('refuses new usage in a closed month, naming its duplicates and what its invoice accounts for', () => {
      const outcome = given(closedSeptember)
        .when(record([usage('u1', 'chat-sessions', 100), usage('late', 'chat-sessions', 5)], { now: AFTER }))
        .outcome();
      expect(isRefusal(outcome) && outcome.code).toBe('month-closed');
      const context = (outcome as unknown as { context: MonthClosedContext }).context;
      expect(context).toMatchObject({ month: MONTH, duplicates: ['u1'] });
      expect(context.accounted).toMatchObject({ 'chat-sessions': 100, storage: 11 });
      expect(context.thresholds).toMatchObject({ 'chat-sessions': 100, storage: 10 });
    });

    it('answers nothing new for a closed month when every record is a duplicate', () =>
      given(closedSeptember)
        .when(record([usage('u1', 'chat-sessions', 100)], { now: AFTER }))
        .then([]));

    const late: LateOrigin = {
      month: MONTH,
      accounted: { 'chat-sessions': 100, storage: 11 },
      thresholds: { 'chat-sessions': 100, storage: 10 },
    };
    const october = (records: UsageRecord[]) => record(records, { month: '2026-10', now: AFTER, late });

    it('records late usage in the next open month as an adjustment of its own month', () =>
      given([])
        .when(october([usage('late', 'chat-sessions', 5), usage('late-s', 'storage', 13)]))
        .then([
          {
            type: 'LateUsageRecorded',
            data: {
              tenantId: TENANT,
              month: '2026-10',
              adjusts: MONTH,
              records: [usage('late', 'chat-sessions', 5), usage('late-s', 'storage', 13)],
              adjustments: [
                { service: 'storage', total: 2, threshold: 10, overage: 2, accounted: 13 },
                { service: 'chat-sessions', total: 5, threshold: 100, overage: 5, accounted: 105 },
              ],
              at: AFTER,
            },
          },
        ]));

    it('measures each later record against what is already accounted for, and never counts it twice', () => {
      const first = metering.decide(october([usage('late', 'chat-sessions', 5)]), stateOf([])) as MeteringEvent[];
      given(first)
        .when(october([usage('late', 'chat-sessions', 5)]))
        .then([]);
      const second = given(first)
        .when(october([usage('late-2', 'chat-sessions', 3)]))
        .outcome() as MeteringEvent[];
      expect(second[0]).toMatchObject({
        data: { adjustments: [{ service: 'chat-sessions', total: 3, overage: 3, accounted: 108 }] },
      });
    });

    it('does not count late usage toward the month it lands in, nor toward its thresholds', () => {
      const state = stateOf(
        metering.decide(october([usage('late', 'chat-sessions', 500)]), stateOf([])) as MeteringEvent[],
      );
      expect(state.totals['chat-sessions']).toBeUndefined();
      expect(state.exceeded).toEqual({});
    });

    it("puts late usage on the next month's invoice as an adjustment line", () => {
      const history = metering.decide(october([usage('late', 'chat-sessions', 5)]), stateOf([])) as MeteringEvent[];
      const [event] = metering.decide(
        close('2026-11-01T00:00:00.000Z', '2026-10'),
        stateOf(history),
      ) as MeteringEvent[];
      const lines = (event as Extract<MeteringEvent, { type: 'MeteringMonthClosed' }>).data.lines;
      expect(lines.filter((line) => line.adjusts)).toEqual([
        { service: 'chat-sessions', unit: 'sessions', total: 5, threshold: 100, overage: 5, adjusts: MONTH },
      ]);
    });

    it('refuses late usage in a closed landing month too, handing on what it accounted for', () => {
      const october = metering.decide(
        record([usage('late', 'chat-sessions', 5)], { month: '2026-10', now: AFTER, late }),
        stateOf([]),
      ) as MeteringEvent[];
      const closedOctober = [
        ...october,
        ...(metering.decide(close('2026-11-01T00:00:00.000Z', '2026-10'), stateOf(october)) as MeteringEvent[]),
      ];
      given(closedOctober)
        .when(
          record([usage('later', 'chat-sessions', 1), usage('late', 'chat-sessions', 5)], {
            month: '2026-10',
            now: '2026-11-02T00:00:00.000Z',
            late,
          }),
        )
        .thenRefuses('month-closed', {
          month: '2026-10',
          duplicates: ['late'],
          accounted: { 'chat-sessions': 105 },
          thresholds: { 'chat-sessions': 100 },
        });
    });
  });

  describe('hardening (issue 13)', () => {
    it('item 1: refuses usage that would take a total beyond what can be recorded exactly, and huge counts outright', () => {
      const half = 2 ** 52;
      given([recorded([usage('big-1', 'mailing-emails', half)])])
        .when(record([usage('big-2', 'mailing-emails', half)]))
        .thenRefuses('usage-overflow', { service: 'mailing-emails' });
      expect(usageRecordProblems(usage('huge', 'chat-sessions', 1e308), DURING)).toEqual([
        expect.stringMatching(/whole number of at most/),
      ]);
      // Storage is a level: its maximum stays finite however large a record is.
      given([recorded([usage('s1', 'storage', 1e308)])])
        .when(record([usage('s2', 'storage', 1e308)]))
        .then([recorded([usage('s2', 'storage', 1e308)])]);
    });

    it('item 2: validates months and instants by the calendar, both ways', () => {
      given([]).when(close('9999-12-31T23:59:59.000Z', '9999-12')).thenRefuses('invalid-month', { month: '9999-12' });
      given([]).when(close(AFTER, '1969-12')).thenRefuses('invalid-month', { month: '1969-12' });
      expect(usageRecordProblems(usage('feb', 'chat-sessions', 1, '2026-02-31T10:00:00Z'), DURING)).toEqual([
        expect.stringMatching(/calendar/),
      ]);
      expect(usageRecordProblems(usage('old', 'chat-sessions', 1, '1969-12-31T10:00:00Z'), DURING)).toEqual([
        expect.stringMatching(/before 1970-01/),
      ]);
      expect(usageRecordProblems(usage('leap', 'chat-sessions', 1, '2024-02-29T10:00:00Z'), DURING)).toEqual([]);
    });

    it('item 6: refuses usage for a tenant that has no package, and closing a month before the tenant existed', () => {
      given([])
        .when(record([usage('u1', 'chat-sessions', 1)], { tenantSince: null }))
        .thenRefuses('unknown-tenant');
      given([])
        .when(close(AFTER, MONTH, null))
        .thenRefuses('unknown-tenant');
      given([]).when(close(AFTER, '2025-12')).thenRefuses('unknown-tenant', { month: '2025-12' });
      // A month that counted usage before the first package is the tenant's all the same.
      expect(
        metering.decide(
          close(AFTER, '2025-12'),
          stateOf([recorded([usage('u0', 'chat-sessions', 1, '2025-12-20T10:00:00Z')], 0, DURING, '2025-12')]),
        ),
      ).toEqual([expect.objectContaining({ type: 'MeteringMonthClosed' })]);
    });

    it('item 7: counts are whole numbers', () => {
      expect(usageRecordProblems(usage('frac', 'chat-sessions', 0.001), DURING)).toEqual([
        expect.stringMatching(/count: a whole number/),
      ]);
      expect(usageRecordProblems(usage('frac', 'storage', 0.25), DURING)).toEqual([]);
    });
  });
});
