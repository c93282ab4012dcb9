import { fold, isRefusal } from '../src/shared/decider';
import { ledger } from '../src/ledger/ledger.decider';
import { LedgerEvent } from '../src/ledger/ledger.events';
import { reviewPackage } from '../src/ledger/package-review';
import { specFor } from './decider-spec';
import {
  activate,
  activated,
  aPackage,
  assigned,
  NOW,
  row,
  TENANT,
  validVerification,
  active,
} from './ledger.fixtures';

const given = specFor(ledger);
const users = (count: number, module: string): LedgerEvent[] =>
  Array.from({ length: count }, (_, i) => assigned(`u${i}`, module));

describe('ledger decider', () => {
  describe('activating a license package', () => {
    it('activates a valid first package', () => given([]).when(activate()).then([activated()]));

    it('activates a newer package of the same owner and serial number, replacing the rows', () => {
      const next = aPackage({ packageId: 'pkg-2', sequence: 2 }, [
        row('user', { number: 50 }),
        row('saint', { number: 9 }),
      ]);
      given([activated()])
        .when(activate(next))
        .then([activated(next)]);
      const state = active(fold(ledger, [activated(), activated(next)]));
      expect(Object.keys(state.owners.SUPEROFFICE.modules)).toEqual(['user', 'saint']);
      expect(state.owners.SUPEROFFICE.modules.user.number).toBe(50);
    });

    const rejectedFor = (history: LedgerEvent[], command: ReturnType<typeof activate>, code: string) => {
      const outcome = given(history).when(command).outcome();
      expect(isRefusal(outcome)).toBe(false);
      const [event] = outcome as LedgerEvent[];
      expect(event.type).toBe('LicensePackageRejected');
      if (event.type !== 'LicensePackageRejected') return [];
      expect(event.data.reasons.map((r) => r.code)).toContain(code);
      return event.data.reasons;
    };

    it('rejects, and records the rejection, when the package signature does not verify', () => {
      const verification = { ...validVerification(), packageSignatureValid: false };
      rejectedFor([], activate(aPackage(), verification), 'package-signature-invalid');
    });

    it('rejects when a row signature does not verify, naming the rows', () => {
      const verification = { ...validVerification(), invalidRowSignatures: ['web', 'saint'] };
      const reasons = rejectedFor([], activate(aPackage(), verification), 'row-signature-invalid');
      expect(reasons.find((r) => r.code === 'row-signature-invalid')?.modules).toEqual(['web', 'saint']);
    });

    it('rejects an unreadable owner certificate', () =>
      void rejectedFor(
        [],
        activate(aPackage(), validVerification({ readable: false, problem: 'not PEM' })),
        'certificate-unreadable',
      ));

    it('rejects an owner certificate that does not chain to a trusted root', () =>
      void rejectedFor(
        [],
        activate(aPackage(), validVerification({ chainsToTrustedRoot: false })),
        'owner-not-trusted',
      ));

    it('rejects an owner certificate that names another owner', () =>
      void rejectedFor(
        [],
        activate(aPackage(), validVerification({ subjectCommonName: 'PARTNER' })),
        'certificate-owner-mismatch',
      ));

    it('rejects an expired owner certificate', () =>
      void rejectedFor(
        [],
        activate(aPackage(), validVerification({ notAfter: '2026-05-31T00:00:00.000Z' })),
        'certificate-expired',
      ));

    it('rejects an owner certificate that is not valid yet', () =>
      void rejectedFor(
        [],
        activate(aPackage(), validVerification({ notBefore: '2026-07-01T00:00:00.000Z' })),
        'certificate-not-yet-valid',
      ));

    it('rejects a package for another tenant', () =>
      void rejectedFor([], activate(aPackage({ tenantId: 'Cust99999' })), 'tenant-mismatch'));

    it('rejects a serial number that does not match the active package', () =>
      void rejectedFor(
        [activated()],
        activate(
          aPackage({ sequence: 2, licensee: { companyName: 'Acme', serialNumber: '999', databaseType: 'Online' } }),
        ),
        'serial-number-mismatch',
      ));

    it.each([1, 0])(
      'rejects a sequence (%i) not newer than the active package',
      (sequence) => void rejectedFor([activated()], activate(aPackage({ sequence })), 'sequence-not-newer'),
    );

    it('rejects an expired package', () =>
      void rejectedFor(
        [],
        activate(aPackage({ dates: { ...aPackage().dates, expiration: '2026-05-01T00:00:00.000Z' } })),
        'package-expired',
      ));

    it.each([
      ['a module twice', [row('user'), row('user')]],
      ['a zero number', [row('user', { number: 0 })]],
      ['a prerequisite missing from the package', [row('web', { prerequisite: 'user' })]],
      ['a plan whose set names an unknown license', [row('plan', { extraFlags: 1, extraInfo: 'set=ghost' })]],
      [
        'a plan whose set names a system license',
        [row('chat', { type: 1 }), row('plan', { extraFlags: 1, extraInfo: 'set=chat' })],
      ],
    ])(
      'rejects an inconsistent package: %s',
      (_, modules) => void rejectedFor([], activate(aPackage({}, modules)), 'package-inconsistent'),
    );

    it('rejects a package whose new number is below the number in use, listing in use, new number, must remove and holders', () => {
      const fewer = aPackage(
        { packageId: 'pkg-2', sequence: 2 },
        aPackage().modules.map((r) => (r.name === 'saint' ? { ...r, number: 1 } : r)),
      );
      const reasons = rejectedFor(
        [activated(), assigned('u1', 'saint'), assigned('u2', 'saint')],
        activate(fewer),
        'number-below-in-use',
      );
      expect(reasons.find((r) => r.code === 'number-below-in-use')?.licenses).toEqual([
        { module: 'saint', inUse: 2, newNumber: 1, mustRemove: 1, holders: ['u1', 'u2'] },
      ]);
    });

    it('rejects a package that drops a license still in use', () => {
      const without = aPackage(
        { packageId: 'pkg-2', sequence: 2 },
        aPackage().modules.filter((r) => r.name !== 'saint'),
      );
      const reasons = rejectedFor([activated(), assigned('u1', 'saint')], activate(without), 'number-below-in-use');
      expect(reasons.find((r) => r.code === 'number-below-in-use')?.licenses?.[0]).toMatchObject({
        module: 'saint',
        newNumber: 0,
        mustRemove: 1,
      });
    });

    it('lowers a number to exactly the number in use, and an unrestricted license below it', () => {
      const lower = aPackage(
        { packageId: 'pkg-2', sequence: 2 },
        aPackage().modules.map((r) =>
          r.name === 'saint' ? { ...r, number: 1 } : r.name === 'marketing' ? { ...r, number: 1 } : r,
        ),
      );
      given([activated(), assigned('u1', 'saint'), assigned('u1', 'marketing'), assigned('u2', 'marketing')])
        .when(activate(lower))
        .then([activated(lower)]);
    });

    it('reports every reason at once', () => {
      const verification = { ...validVerification({ chainsToTrustedRoot: false }), packageSignatureValid: false };
      const reasons = rejectedFor([], activate(aPackage({ tenantId: 'other' }), verification), 'tenant-mismatch');
      expect(reasons.map((r) => r.code)).toEqual(['package-signature-invalid', 'owner-not-trusted', 'tenant-mismatch']);
    });

    it('a rejected package leaves the active licenses as they were', () => {
      const state = active(
        fold(ledger, [
          activated(),
          {
            type: 'LicensePackageRejected',
            data: { tenantId: TENANT, packageId: 'x', owner: 'SUPEROFFICE', sequence: 2, reasons: [], rejectedAt: NOW },
          },
        ]),
      );
      expect(state.owners.SUPEROFFICE.packageId).toBe('pkg-1');
    });
  });

  describe('validating a package (dry run)', () => {
    it('shows only the changed licenses with current, new, in use, free, new free and must remove', () => {
      const state = fold(ledger, [
        activated(),
        ...users(3, 'saint').map((e, i) => (i < 2 ? e : assigned('u9', 'user'))),
      ]);
      const next = aPackage({ packageId: 'pkg-2', sequence: 2 }, [
        ...aPackage().modules.map((r) =>
          r.name === 'saint' ? { ...r, number: 1 } : r.name === 'user' ? { ...r, number: 30 } : r,
        ),
        row('travel', { number: 4 }),
      ]);
      const review = reviewPackage(state, { tenantId: TENANT, package: next, verification: validVerification() }, NOW);
      expect(review.changes).toEqual([
        { module: 'saint', current: 2, new: 1, inUse: 2, free: 0, newFree: -1, mustRemove: 1, unrestricted: false },
        {
          module: 'travel',
          current: null,
          new: 4,
          inUse: 0,
          free: null,
          newFree: 4,
          mustRemove: 0,
          unrestricted: false,
        },
        { module: 'user', current: 20, new: 30, inUse: 1, free: 19, newFree: 29, mustRemove: 0, unrestricted: false },
      ]);
      expect(review.canBeActivated).toBe(false);
      expect(review.reasons.map((r) => r.code)).toEqual(['number-below-in-use']);
    });

    it('says a valid package can be activated', () => {
      const review = reviewPackage(
        fold(ledger, []),
        { tenantId: TENANT, package: aPackage(), verification: validVerification() },
        NOW,
      );
      expect(review).toMatchObject({ canBeActivated: true, reasons: [] });
      expect(review.changes).toHaveLength(aPackage().modules.length);
    });
  });
});
