import { fold } from '../src/shared/decider';
import { ledger } from '../src/ledger/ledger.decider';
import { LedgerEvent } from '../src/ledger/ledger.events';
import { specFor } from './decider-spec';
import { activate, activated, assign, assigned, meta, NOW, TENANT, unassign, active } from './ledger.fixtures';

const given = specFor(ledger);

describe('ledger decider', () => {
  describe('the state: no package yet, or active', () => {
    const rejected: LedgerEvent = {
      type: 'LicensePackageRejected',
      data: { tenantId: TENANT, packageId: 'pkg-0', owner: 'SUPEROFFICE', sequence: 1, reasons: [], rejectedAt: NOW },
    };

    it('starts with no package, and a rejected package leaves it so', () => {
      expect(ledger.initialState()).toEqual({ status: 'no-package' });
      expect(fold(ledger, [rejected])).toEqual({ status: 'no-package' });
    });

    it('becomes active with the tenant and the owner of the first activated package', () => {
      const state = active(fold(ledger, [rejected, activated()]));
      expect(state).toMatchObject({ status: 'active', tenantId: TENANT, holdings: {}, plans: {}, inactiveUsers: {} });
      expect(Object.keys(state.owners)).toEqual(['SUPEROFFICE']);
    });

    it.each([
      ['assign', assign('u1', 'saint')],
      ['unassign', unassign('u1', 'saint')],
      ['deactivate', { type: 'DeactivateUser', data: { userId: 'u1' }, metadata: meta() }],
      ['reactivate', { type: 'ReactivateUser', data: { userId: 'u1' }, metadata: meta() }],
    ] as const)('refuses to %s without a package, as an unknown tenant', (_, command) =>
      given([rejected]).when(command).thenRefuses('unknown-tenant', {}),
    );

    it('still reviews (and so activates or rejects) a package without one', () =>
      given([]).when(activate()).then([activated()]));

    it('refuses to fold a holding change into a ledger without a package: that history is broken', () => {
      expect(() => fold(ledger, [assigned('u1', 'saint')])).toThrow(
        'ledger: LicenseAssigned before any license package was activated',
      );
    });
  });
});
