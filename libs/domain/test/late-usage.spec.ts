import { carryPastClosedMonth } from '../src/metering/late-usage';
import type { UsageRecord } from '../src/metering/usage-record';

const usage = (usageId: string, quantity = 1): UsageRecord => ({
  usageId,
  service: 'mailing-emails',
  quantity,
  occurredAt: '2026-09-10T12:00:00.000Z',
});

describe('the late-usage policy', () => {
  it('carries the records the closed month has not counted, with what its invoice accounts for', () => {
    const carried = carryPastClosedMonth('2026-09', [usage('a'), usage('b'), usage('c')], {
      month: '2026-09',
      duplicates: ['b'],
      accounted: { 'mailing-emails': 1100 },
      thresholds: { 'mailing-emails': 1200 },
    });
    expect(carried).toEqual({
      pending: [usage('a'), usage('c')],
      duplicates: 1,
      late: { month: '2026-09', accounted: { 'mailing-emails': 1100 }, thresholds: { 'mailing-emails': 1200 } },
    });
  });

  it('keeps what earlier closed months of the walk handed on, the later month knowing better', () => {
    const carried = carryPastClosedMonth(
      '2026-09',
      [usage('a')],
      { month: '2026-10', duplicates: [], accounted: { 'mailing-emails': 1400 }, thresholds: {} },
      { month: '2026-09', accounted: { 'mailing-emails': 1100, storage: 3 }, thresholds: { 'mailing-emails': 1200 } },
    );
    expect(carried.late).toEqual({
      month: '2026-09',
      accounted: { 'mailing-emails': 1400, storage: 3 },
      thresholds: { 'mailing-emails': 1200 },
    });
    expect(carried.duplicates).toBe(0);
  });
});
