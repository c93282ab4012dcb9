import { foldLedgerUntil, ledgerEventTime, ledgerStateAsOf } from '../src/ledger/ledger.as-of';
import { initialLedgerState, inUse, LedgerEvent } from '../src/ledger/ledger.events';
import { aPackage } from './ledger.fixtures';

const at = (minute: number) => `2026-06-01T12:${String(minute).padStart(2, '0')}:00.000Z`;
const activatedAt = (minute: number): LedgerEvent => ({
  type: 'LicensePackageActivated',
  data: { tenantId: 'T', package: aPackage(), certificateFingerprint: 'ab', activatedAt: at(minute) },
});
const assignedAt = (minute: number, userId: string): LedgerEvent => ({
  type: 'LicenseAssigned',
  data: { owner: 'SUPEROFFICE', module: 'saint', userId, source: 'explicit', at: at(minute) },
});

describe('the ledger as of a moment', () => {
  it("takes each event type's own domain time", () => {
    expect(ledgerEventTime(activatedAt(1))).toBe(at(1));
    expect(
      ledgerEventTime({
        type: 'LicensePackageRejected',
        data: { tenantId: 'T', packageId: 'p', owner: 'O', sequence: 1, reasons: [], rejectedAt: at(2) },
      }),
    ).toBe(at(2));
    expect(ledgerEventTime({ type: 'UserDeactivated', data: { userId: 'u', at: at(3) } })).toBe(at(3));
  });

  it('counts events up to and including the moment', () => {
    const history = [activatedAt(0), assignedAt(1, 'u1'), assignedAt(2, 'u2')];
    expect(inUse(ledgerStateAsOf(history, new Date(at(1))), 'SUPEROFFICE', 'saint')).toBe(1);
    expect(inUse(ledgerStateAsOf(history, new Date(Date.parse(at(2)) - 1)), 'SUPEROFFICE', 'saint')).toBe(1);
    expect(inUse(ledgerStateAsOf(history, new Date(at(2))), 'SUPEROFFICE', 'saint')).toBe(2);
    expect(ledgerStateAsOf(history, new Date(Date.parse(at(0)) - 1))).toEqual(initialLedgerState());
  });

  it('stops at the first event after the moment, even if a later one carries an earlier time', () => {
    const outcome = foldLedgerUntil(
      initialLedgerState(),
      [activatedAt(0), assignedAt(5, 'u1'), assignedAt(3, 'u2')],
      new Date(at(4)),
    );
    expect(outcome.passed).toBe(true);
    expect(inUse(outcome.state, 'SUPEROFFICE', 'saint')).toBe(0);
  });
});
