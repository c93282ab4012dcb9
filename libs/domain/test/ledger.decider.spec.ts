import { fold, isRefusal } from '../src/shared/decider';
import { assignmentOutcome } from '../src/ledger/ledger.decide';
import { ledger } from '../src/ledger/ledger.decider';
import { ActiveLedger, holdersOf, inUse, LedgerEvent, LedgerState } from '../src/ledger/ledger.events';
import { reviewPackage } from '../src/ledger/package-review';
import { specFor } from './decider-spec';
import {
  activate,
  activated,
  aPackage,
  assign,
  assigned,
  meta,
  NOW,
  planAssigned,
  row,
  TENANT,
  unassign,
  validVerification,
} from './ledger.fixtures';

const given = specFor(ledger);
/** The state of a history that activated a package: the active member of the union. */
const active = (state: LedgerState): ActiveLedger => {
  if (state.status !== 'active') throw new Error(`expected an active ledger, got ${state.status}`);
  return state;
};
const users = (count: number, module: string): LedgerEvent[] =>
  Array.from({ length: count }, (_, i) => assigned(`u${i}`, module));

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
      given([rejected]).when(command).thenRefuses('unknown-tenant', {}));

    it('still reviews (and so activates or rejects) a package without one', () =>
      given([]).when(activate()).then([activated()]));

    it('refuses to fold a holding change into a ledger without a package: that history is broken', () => {
      expect(() => fold(ledger, [assigned('u1', 'saint')])).toThrow('ledger: LicenseAssigned before any license package was activated');
    });
  });

  describe('activating a license package', () => {
    it('activates a valid first package', () =>
      given([]).when(activate()).then([activated()]));

    it('activates a newer package of the same owner and serial number, replacing the rows', () => {
      const next = aPackage({ packageId: 'pkg-2', sequence: 2 }, [row('user', { number: 50 }), row('saint', { number: 9 })]);
      given([activated()]).when(activate(next)).then([activated(next)]);
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
      void rejectedFor([], activate(aPackage(), validVerification({ readable: false, problem: 'not PEM' })), 'certificate-unreadable'));

    it('rejects an owner certificate that does not chain to a trusted root', () =>
      void rejectedFor([], activate(aPackage(), validVerification({ chainsToTrustedRoot: false })), 'owner-not-trusted'));

    it('rejects an owner certificate that names another owner', () =>
      void rejectedFor([], activate(aPackage(), validVerification({ subjectCommonName: 'PARTNER' })), 'certificate-owner-mismatch'));

    it('rejects an expired owner certificate', () =>
      void rejectedFor([], activate(aPackage(), validVerification({ notAfter: '2026-05-31T00:00:00.000Z' })), 'certificate-expired'));

    it('rejects an owner certificate that is not valid yet', () =>
      void rejectedFor([], activate(aPackage(), validVerification({ notBefore: '2026-07-01T00:00:00.000Z' })), 'certificate-not-yet-valid'));

    it('rejects a package for another tenant', () =>
      void rejectedFor([], activate(aPackage({ tenantId: 'Cust99999' })), 'tenant-mismatch'));

    it('rejects a serial number that does not match the active package', () =>
      void rejectedFor(
        [activated()],
        activate(aPackage({ sequence: 2, licensee: { companyName: 'Acme', serialNumber: '999', databaseType: 'Online' } })),
        'serial-number-mismatch',
      ));

    it.each([1, 0])('rejects a sequence (%i) not newer than the active package', (sequence) =>
      void rejectedFor([activated()], activate(aPackage({ sequence })), 'sequence-not-newer'));

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
      ['a plan whose set names a system license', [row('chat', { type: 1 }), row('plan', { extraFlags: 1, extraInfo: 'set=chat' })]],
    ])('rejects an inconsistent package: %s', (_, modules) =>
      void rejectedFor([], activate(aPackage({}, modules as never)), 'package-inconsistent'));

    it('rejects a package whose new number is below the number in use, listing in use, new number, must remove and holders', () => {
      const fewer = aPackage({ packageId: 'pkg-2', sequence: 2 }, aPackage().modules.map((r) => (r.name === 'saint' ? { ...r, number: 1 } : r)));
      const reasons = rejectedFor([activated(), assigned('u1', 'saint'), assigned('u2', 'saint')], activate(fewer), 'number-below-in-use');
      expect(reasons.find((r) => r.code === 'number-below-in-use')?.licenses).toEqual([
        { module: 'saint', inUse: 2, newNumber: 1, mustRemove: 1, holders: ['u1', 'u2'] },
      ]);
    });

    it('rejects a package that drops a license still in use', () => {
      const without = aPackage({ packageId: 'pkg-2', sequence: 2 }, aPackage().modules.filter((r) => r.name !== 'saint'));
      const reasons = rejectedFor([activated(), assigned('u1', 'saint')], activate(without), 'number-below-in-use');
      expect(reasons.find((r) => r.code === 'number-below-in-use')?.licenses?.[0]).toMatchObject({ module: 'saint', newNumber: 0, mustRemove: 1 });
    });

    it('lowers a number to exactly the number in use, and an unrestricted license below it', () => {
      const lower = aPackage(
        { packageId: 'pkg-2', sequence: 2 },
        aPackage().modules.map((r) => (r.name === 'saint' ? { ...r, number: 1 } : r.name === 'marketing' ? { ...r, number: 1 } : r)),
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
      const state = active(fold(ledger, [
        activated(),
        { type: 'LicensePackageRejected', data: { tenantId: TENANT, packageId: 'x', owner: 'SUPEROFFICE', sequence: 2, reasons: [], rejectedAt: NOW } },
      ]));
      expect(state.owners.SUPEROFFICE.packageId).toBe('pkg-1');
    });
  });

  describe('validating a package (dry run)', () => {
    it('shows only the changed licenses with current, new, in use, free, new free and must remove', () => {
      const state = fold(ledger, [activated(), ...users(3, 'saint').map((e, i) => (i < 2 ? e : assigned('u9', 'user')))]);
      const next = aPackage(
        { packageId: 'pkg-2', sequence: 2 },
        [...aPackage().modules.map((r) => (r.name === 'saint' ? { ...r, number: 1 } : r.name === 'user' ? { ...r, number: 30 } : r)), row('travel', { number: 4 })],
      );
      const review = reviewPackage(state, { tenantId: TENANT, package: next, verification: validVerification() }, NOW);
      expect(review.changes).toEqual([
        { module: 'saint', current: 2, new: 1, inUse: 2, free: 0, newFree: -1, mustRemove: 1, unrestricted: false },
        { module: 'travel', current: null, new: 4, inUse: 0, free: null, newFree: 4, mustRemove: 0, unrestricted: false },
        { module: 'user', current: 20, new: 30, inUse: 1, free: 19, newFree: 29, mustRemove: 0, unrestricted: false },
      ]);
      expect(review.canBeActivated).toBe(false);
      expect(review.reasons.map((r) => r.code)).toEqual(['number-below-in-use']);
    });

    it('says a valid package can be activated', () => {
      const review = reviewPackage(fold(ledger, []), { tenantId: TENANT, package: aPackage(), verification: validVerification() }, NOW);
      expect(review).toMatchObject({ canBeActivated: true, reasons: [] });
      expect(review.changes).toHaveLength(aPackage().modules.length);
    });
  });

  describe('assigning a license', () => {
    const base = [activated()];

    it('assigns a user license', () => given(base).when(assign('u1', 'saint')).then([assigned('u1', 'saint')]));

    it('refuses before any package is active', () => given([]).when(assign('u1', 'saint')).thenRefuses('unknown-tenant'));
    it('refuses an unknown owner', () =>
      given(base).when(assign('u1', 'saint', NOW, 'PARTNER')).thenRefuses('unknown-owner', { owner: 'PARTNER' }));
    it('refuses an unknown module', () => given(base).when(assign('u1', 'ghost')).thenRefuses('unknown-module', { module: 'ghost' }));
    it('refuses a system license: only user licenses are assigned', () =>
      given(base).when(assign('u1', 'chat')).thenRefuses('not-a-user-license', { module: 'chat' }));
    it('refuses a license the user already holds', () =>
      given([...base, assigned('u1', 'saint')]).when(assign('u1', 'saint')).thenRefuses('already-assigned'));

    it('refuses at the cap, saying the number and the number in use', () =>
      given([...base, ...users(2, 'saint')]).when(assign('u9', 'saint')).thenRefuses('cap-exceeded', { module: 'saint', number: 2, inUse: 2 }));

    it('takes the last free seat', () =>
      given([...base, ...users(1, 'saint')]).when(assign('u9', 'saint')).then([assigned('u9', 'saint')]));

    it('assigns an unrestricted license beyond its number', () =>
      given([...base, ...users(3, 'marketing')]).when(assign('u9', 'marketing')).then([assigned('u9', 'marketing')]));

    it('refuses a license whose prerequisite the user does not hold', () =>
      given(base).when(assign('u1', 'web')).thenRefuses('prerequisite-missing', { module: 'web', prerequisite: 'user' }));

    it('assigns a license whose prerequisite the user holds', () =>
      given([...base, assigned('u1', 'user')]).when(assign('u1', 'web')).then([assigned('u1', 'web')]));

    it('refuses a deactivated user', () =>
      given([...base, { type: 'UserDeactivated', data: { userId: 'u1', at: NOW } }]).when(assign('u1', 'saint')).thenRefuses('user-inactive'));

    it('refuses after the owner grace date, and assigns up to it', () => {
      const graced = aPackage({ dates: { ...aPackage().dates, graceTo: '2026-06-30T00:00:00.000Z' } });
      given([activated(graced)]).when(assign('u1', 'saint', '2026-07-01T00:00:00.000Z')).thenRefuses('grace-period-ended');
      const justBefore = '2026-06-29T23:59:59.000Z';
      given([activated(graced)]).when(assign('u1', 'saint', justBefore)).thenMatches([{ type: 'LicenseAssigned', data: { module: 'saint', at: justBefore } }]);
    });
  });

  describe('user plans', () => {
    const base = [activated()];

    it('assigning a plan assigns every license of its set', () =>
      given(base).when(assign('u1', 'sales-premium')).then(planAssigned('u1', 'sales-premium', ['user', 'web', 'chat-cal'])));

    it('a plan is refused when a license of its set is at its cap', () =>
      given([...base, ...users(3, 'chat-cal')]).when(assign('u9', 'sales-premium')).thenRefuses('cap-exceeded', { module: 'chat-cal' }));

    it('a plan is refused at its own cap', () =>
      given([...base, ...Array.from({ length: 5 }, (_, i) => planAssigned(`p${i}`, 'sales-essential', ['user', 'web'])).flat()])
        .when(assign('u9', 'sales-essential'))
        .thenRefuses('cap-exceeded', { module: 'sales-essential', number: 5, inUse: 5 }));

    it('a set license the user already holds on their own takes no new seat', () => {
      // user is at its cap of 20, but u0 holds it already: the plan only adds the plan source.
      const history = [...base, ...users(20, 'user')];
      given(history).when(assign('u0', 'sales-essential')).then(planAssigned('u0', 'sales-essential', ['user', 'web']));
    });

    it('a user holds one plan per owner: assigning another switches plans in one step', () => {
      const history = [...base, ...planAssigned('u1', 'sales-premium', ['user', 'web', 'chat-cal'])];
      const events = given(history).when(assign('u1', 'sales-essential')).outcome() as LedgerEvent[];
      expect(events.map((e) => `${e.type} ${e.data && 'module' in e.data ? e.data.module : ''}`)).toEqual([
        'LicenseReleased sales-premium',
        'LicenseReleased user',
        'LicenseReleased web',
        'LicenseReleased chat-cal',
        'LicenseAssigned sales-essential',
        'LicenseAssigned user',
        'LicenseAssigned web',
      ]);
      const state = fold(ledger, history);
      expect(assignmentOutcome(state, 'u1', events)).toEqual({ assigned: ['sales-essential'], released: ['chat-cal', 'sales-premium'] });
      const after = active(fold(ledger, [...history, ...events]));
      expect(after.plans.SUPEROFFICE.u1).toBe('sales-essential');
      expect(inUse(after, 'SUPEROFFICE', 'chat-cal')).toBe(0);
      expect(inUse(after, 'SUPEROFFICE', 'user')).toBe(1);
    });

    it('refuses the plan the user already holds', () =>
      given([...base, ...planAssigned('u1', 'sales-premium', ['user', 'web', 'chat-cal'])])
        .when(assign('u1', 'sales-premium'))
        .thenRefuses('already-assigned'));

    it('releasing a plan releases the implied licenses the user does not hold on their own', () => {
      const history = [...base, assigned('u1', 'user'), ...planAssigned('u1', 'sales-premium', ['user', 'web', 'chat-cal'])];
      const events = given(history).when(unassign('u1', 'sales-premium')).outcome() as LedgerEvent[];
      const state = fold(ledger, history);
      expect(assignmentOutcome(state, 'u1', events)).toEqual({ assigned: [], released: ['chat-cal', 'sales-premium', 'web'] });
      const after = active(fold(ledger, [...history, ...events]));
      expect(holdersOf(after, 'SUPEROFFICE', 'user')).toEqual(['u1']);
      expect(after.plans.SUPEROFFICE.u1).toBeUndefined();
    });

    it('refuses to unassign a license that only comes with the plan', () =>
      given([...base, ...planAssigned('u1', 'sales-premium', ['user', 'web', 'chat-cal'])])
        .when(unassign('u1', 'chat-cal'))
        .thenRefuses('implied-by-plan', { plan: 'sales-premium' }));

    it('refuses a plan switch that would leave a license without its prerequisite', () => {
      // u1 holds web on its own; its prerequisite user comes only from the plan, and the new plan lacks it.
      const noUser = aPackage({}, [...aPackage().modules, row('basic', { extraFlags: 1, extraInfo: 'set=chat-cal', number: 5 })]);
      given([activated(noUser), ...planAssigned('u1', 'sales-premium', ['user', 'web', 'chat-cal']), assigned('u1', 'web')])
        .when(assign('u1', 'basic'))
        .thenRefuses('prerequisite-in-use', { module: 'user', requiredBy: 'web' });
    });
  });

  describe('unassigning a license', () => {
    const base = [activated(), assigned('u1', 'saint')];

    it('releases a license held on its own', () =>
      given(base).when(unassign('u1', 'saint')).thenMatches([{ type: 'LicenseReleased', data: { module: 'saint', source: 'explicit', reason: 'unassigned' } }]));

    it('refuses a license the user does not hold', () => given(base).when(unassign('u2', 'saint')).thenRefuses('not-held'));
    it('refuses an unknown module', () => given(base).when(unassign('u1', 'ghost')).thenRefuses('unknown-module'));

    it('refuses to release a prerequisite of a license the user keeps', () =>
      given([...base, assigned('u1', 'user'), assigned('u1', 'web')])
        .when(unassign('u1', 'user'))
        .thenRefuses('prerequisite-in-use', { module: 'user', requiredBy: 'web' }));

    it('frees the seat for someone else', () => {
      const history = [activated(), ...users(2, 'saint')];
      const release = given(history).when(unassign('u0', 'saint')).outcome() as LedgerEvent[];
      given([...history, ...release]).when(assign('u9', 'saint')).then([assigned('u9', 'saint')]);
    });
  });

  describe('deactivating and reactivating users', () => {
    const history = [activated(), assigned('u1', 'saint'), ...planAssigned('u1', 'sales-premium', ['user', 'web', 'chat-cal'])];
    const deactivate = { type: 'DeactivateUser' as const, data: { userId: 'u1' }, metadata: meta() };
    const reactivate = { type: 'ReactivateUser' as const, data: { userId: 'u1' }, metadata: meta() };

    it('deactivation releases everything the user holds, then marks the user inactive', () => {
      const events = given(history).when(deactivate).outcome() as LedgerEvent[];
      expect(events.at(-1)).toEqual({ type: 'UserDeactivated', data: { userId: 'u1', at: NOW } });
      const state = fold(ledger, history);
      expect(assignmentOutcome(state, 'u1', events).released).toEqual(['chat-cal', 'saint', 'sales-premium', 'user', 'web']);
      const after = active(fold(ledger, [...history, ...events]));
      for (const module of ['saint', 'user', 'web', 'chat-cal', 'sales-premium']) expect(inUse(after, 'SUPEROFFICE', module)).toBe(0);
      expect(after.plans.SUPEROFFICE.u1).toBeUndefined();
    });

    it('deactivating an inactive user changes nothing', () => {
      const events = given(history).when(deactivate).outcome() as LedgerEvent[];
      given([...history, ...events]).when(deactivate).then([]);
    });

    it('reactivation lets the user be assigned licenses again', () => {
      const events = given(history).when(deactivate).outcome() as LedgerEvent[];
      given([...history, ...events]).when(reactivate).then([{ type: 'UserReactivated', data: { userId: 'u1', at: NOW } }]);
      given([...history, ...events, { type: 'UserReactivated', data: { userId: 'u1', at: NOW } }])
        .when(assign('u1', 'saint'))
        .then([assigned('u1', 'saint')]);
    });

    it('reactivating an active user changes nothing', () => given(history).when(reactivate).then([]));
    it('refuses before any package is active', () => given([]).when(deactivate).thenRefuses('unknown-tenant'));
  });
});
