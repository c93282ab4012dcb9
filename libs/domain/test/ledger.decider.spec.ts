import { fold } from '../src/shared/decider';
import { assignmentOutcome } from '../src/ledger/ledger.decide';
import { ledger } from '../src/ledger/ledger.decider';
import { holdersOf, inUse, LedgerEvent } from '../src/ledger/ledger.events';
import { specFor } from './decider-spec';
import {
  activated,
  aPackage,
  assign,
  assigned,
  meta,
  NOW,
  planAssigned,
  row,
  unassign,
  active,
} from './ledger.fixtures';

const given = specFor(ledger);
const users = (count: number, module: string): LedgerEvent[] =>
  Array.from({ length: count }, (_, i) => assigned(`u${i}`, module));

describe('ledger decider', () => {
  describe('assigning a license', () => {
    const base = [activated()];

    it('assigns a user license', () =>
      given(base)
        .when(assign('u1', 'saint'))
        .then([assigned('u1', 'saint')]));

    it('refuses before any package is active', () =>
      given([]).when(assign('u1', 'saint')).thenRefuses('unknown-tenant'));
    it('refuses an unknown owner', () =>
      given(base)
        .when(assign('u1', 'saint', NOW, 'PARTNER'))
        .thenRefuses('unknown-owner', { owner: 'PARTNER' }));
    it('refuses an unknown module', () =>
      given(base).when(assign('u1', 'ghost')).thenRefuses('unknown-module', { module: 'ghost' }));
    it('refuses a system license: only user licenses are assigned', () =>
      given(base).when(assign('u1', 'chat')).thenRefuses('not-a-user-license', { module: 'chat' }));
    it('refuses a license the user already holds', () =>
      given([...base, assigned('u1', 'saint')])
        .when(assign('u1', 'saint'))
        .thenRefuses('already-assigned'));

    it('refuses at the cap, saying the number and the number in use', () =>
      given([...base, ...users(2, 'saint')])
        .when(assign('u9', 'saint'))
        .thenRefuses('cap-exceeded', { module: 'saint', number: 2, inUse: 2 }));

    it('takes the last free seat', () =>
      given([...base, ...users(1, 'saint')])
        .when(assign('u9', 'saint'))
        .then([assigned('u9', 'saint')]));

    it('assigns an unrestricted license beyond its number', () =>
      given([...base, ...users(3, 'marketing')])
        .when(assign('u9', 'marketing'))
        .then([assigned('u9', 'marketing')]));

    it('refuses a license whose prerequisite the user does not hold', () =>
      given(base)
        .when(assign('u1', 'web'))
        .thenRefuses('prerequisite-missing', { module: 'web', prerequisite: 'user' }));

    it('assigns a license whose prerequisite the user holds', () =>
      given([...base, assigned('u1', 'user')])
        .when(assign('u1', 'web'))
        .then([assigned('u1', 'web')]));

    it('refuses a deactivated user', () =>
      given([...base, { type: 'UserDeactivated', data: { userId: 'u1', at: NOW } }])
        .when(assign('u1', 'saint'))
        .thenRefuses('user-inactive'));

    it('refuses after the owner grace date, and assigns up to it', () => {
      const graced = aPackage({ dates: { ...aPackage().dates, graceTo: '2026-06-30T00:00:00.000Z' } });
      given([activated(graced)])
        .when(assign('u1', 'saint', '2026-07-01T00:00:00.000Z'))
        .thenRefuses('grace-period-ended');
      const justBefore = '2026-06-29T23:59:59.000Z';
      given([activated(graced)])
        .when(assign('u1', 'saint', justBefore))
        .thenMatches([{ type: 'LicenseAssigned', data: { module: 'saint', at: justBefore } }]);
    });
  });

  describe('user plans', () => {
    const base = [activated()];

    it('assigning a plan assigns every license of its set', () =>
      given(base)
        .when(assign('u1', 'sales-premium'))
        .then(planAssigned('u1', 'sales-premium', ['user', 'web', 'chat-cal'])));

    it('a plan is refused when a license of its set is at its cap', () =>
      given([...base, ...users(3, 'chat-cal')])
        .when(assign('u9', 'sales-premium'))
        .thenRefuses('cap-exceeded', { module: 'chat-cal' }));

    it('a plan is refused at its own cap', () =>
      given([
        ...base,
        ...Array.from({ length: 5 }, (_, i) => planAssigned(`p${i}`, 'sales-essential', ['user', 'web'])).flat(),
      ])
        .when(assign('u9', 'sales-essential'))
        .thenRefuses('cap-exceeded', { module: 'sales-essential', number: 5, inUse: 5 }));

    it('a set license the user already holds on their own takes no new seat', () => {
      // user is at its cap of 20, but u0 holds it already: the plan only adds the plan source.
      const history = [...base, ...users(20, 'user')];
      given(history)
        .when(assign('u0', 'sales-essential'))
        .then(planAssigned('u0', 'sales-essential', ['user', 'web']));
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
      expect(assignmentOutcome(state, 'u1', events)).toEqual({
        assigned: ['sales-essential'],
        released: ['chat-cal', 'sales-premium'],
      });
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
      const history = [
        ...base,
        assigned('u1', 'user'),
        ...planAssigned('u1', 'sales-premium', ['user', 'web', 'chat-cal']),
      ];
      const events = given(history).when(unassign('u1', 'sales-premium')).outcome() as LedgerEvent[];
      const state = fold(ledger, history);
      expect(assignmentOutcome(state, 'u1', events)).toEqual({
        assigned: [],
        released: ['chat-cal', 'sales-premium', 'web'],
      });
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
      const noUser = aPackage({}, [
        ...aPackage().modules,
        row('basic', { extraFlags: 1, extraInfo: 'set=chat-cal', number: 5 }),
      ]);
      given([
        activated(noUser),
        ...planAssigned('u1', 'sales-premium', ['user', 'web', 'chat-cal']),
        assigned('u1', 'web'),
      ])
        .when(assign('u1', 'basic'))
        .thenRefuses('prerequisite-in-use', { module: 'user', requiredBy: 'web' });
    });
  });

  describe('unassigning a license', () => {
    const base = [activated(), assigned('u1', 'saint')];

    it('releases a license held on its own', () =>
      given(base)
        .when(unassign('u1', 'saint'))
        .thenMatches([
          { type: 'LicenseReleased', data: { module: 'saint', source: 'explicit', reason: 'unassigned' } },
        ]));

    it('refuses a license the user does not hold', () =>
      given(base).when(unassign('u2', 'saint')).thenRefuses('not-held'));
    it('refuses an unknown module', () => given(base).when(unassign('u1', 'ghost')).thenRefuses('unknown-module'));

    it('refuses to release a prerequisite of a license the user keeps', () =>
      given([...base, assigned('u1', 'user'), assigned('u1', 'web')])
        .when(unassign('u1', 'user'))
        .thenRefuses('prerequisite-in-use', { module: 'user', requiredBy: 'web' }));

    it('frees the seat for someone else', () => {
      const history = [activated(), ...users(2, 'saint')];
      const release = given(history).when(unassign('u0', 'saint')).outcome() as LedgerEvent[];
      given([...history, ...release])
        .when(assign('u9', 'saint'))
        .then([assigned('u9', 'saint')]);
    });
  });

  describe('deactivating and reactivating users', () => {
    const history = [
      activated(),
      assigned('u1', 'saint'),
      ...planAssigned('u1', 'sales-premium', ['user', 'web', 'chat-cal']),
    ];
    const deactivate = { type: 'DeactivateUser' as const, data: { userId: 'u1' }, metadata: meta() };
    const reactivate = { type: 'ReactivateUser' as const, data: { userId: 'u1' }, metadata: meta() };

    it('deactivation releases everything the user holds, then marks the user inactive', () => {
      const events = given(history).when(deactivate).outcome() as LedgerEvent[];
      expect(events.at(-1)).toEqual({ type: 'UserDeactivated', data: { userId: 'u1', at: NOW } });
      const state = fold(ledger, history);
      expect(assignmentOutcome(state, 'u1', events).released).toEqual([
        'chat-cal',
        'saint',
        'sales-premium',
        'user',
        'web',
      ]);
      const after = active(fold(ledger, [...history, ...events]));
      for (const module of ['saint', 'user', 'web', 'chat-cal', 'sales-premium'])
        expect(inUse(after, 'SUPEROFFICE', module)).toBe(0);
      expect(after.plans.SUPEROFFICE.u1).toBeUndefined();
    });

    it('deactivating an inactive user changes nothing', () => {
      const events = given(history).when(deactivate).outcome() as LedgerEvent[];
      given([...history, ...events])
        .when(deactivate)
        .then([]);
    });

    it('reactivation lets the user be assigned licenses again', () => {
      const events = given(history).when(deactivate).outcome() as LedgerEvent[];
      given([...history, ...events])
        .when(reactivate)
        .then([{ type: 'UserReactivated', data: { userId: 'u1', at: NOW } }]);
      given([...history, ...events, { type: 'UserReactivated', data: { userId: 'u1', at: NOW } }])
        .when(assign('u1', 'saint'))
        .then([assigned('u1', 'saint')]);
    });

    it('reactivating an active user changes nothing', () => given(history).when(reactivate).then([]));
    it('refuses before any package is active', () => given([]).when(deactivate).thenRefuses('unknown-tenant'));
  });
});
