import { fold } from '../src/shared/decider';
import { SystemEventScope, SystemEventStatus } from '../src/system-events/system-event-keys';
import { SystemEventChanges, SystemEventsCommand } from '../src/system-events/system-events.decide';
import { systemEvents } from '../src/system-events/system-events.decider';
import { SystemEventsEvent } from '../src/system-events/system-events.events';
import { specFor } from './decider-spec';

const given = specFor(systemEvents);
const T0 = '2026-06-01T08:00:00.000Z';
const T1 = '2026-06-01T09:00:00.000Z';
const T2 = '2026-06-01T10:00:00.000Z';
const ETA = '2026-06-01T12:00:00.000Z';
const meta = (now = T0) => ({ now, actor: 'admin-key' });

const start = (
  eventKey: string,
  scope: SystemEventScope = 1,
  owner: string | null = null,
  extra: Partial<{ status: SystemEventStatus; message: string; eta: string | null }> = {},
  now = T0,
): SystemEventsCommand => ({
  type: 'StartSystemEvent',
  data: { eventKey, scope, owner, status: 'active', message: '', eta: null, activatedBy: 'u42', ...extra },
  metadata: meta(now),
});
const update = (
  eventKey: string,
  scope: SystemEventScope,
  owner: string | null,
  changes: SystemEventChanges,
  now = T1,
): SystemEventsCommand => ({
  type: 'UpdateSystemEvent',
  data: { eventKey, scope, owner, changes },
  metadata: meta(now),
});
const remove = (
  eventKey: string,
  scope: SystemEventScope = 1,
  owner: string | null = null,
  now = T1,
): SystemEventsCommand => ({
  type: 'DeleteSystemEvent',
  data: { eventKey, scope, owner },
  metadata: meta(now),
});
const raise = (
  eventKey: string,
  message: string,
  status: SystemEventStatus = 'active',
  now = T0,
): SystemEventsCommand => ({
  type: 'RaiseNotice',
  data: {
    eventKey: eventKey as 'LicensePackageActivated',
    status,
    message,
    eta: null,
    notice: { kind: 'package-activated', cause: `event:${message}` },
  },
  metadata: { now, actor: 'licensing-backend' },
});

/** The events a command records on top of a history, for building the next history. */
const after = (history: SystemEventsEvent[], command: SystemEventsCommand): SystemEventsEvent[] => [
  ...history,
  ...(systemEvents.decide(command, fold(systemEvents, history)) as SystemEventsEvent[]),
];
const startedFreetext = (scope: SystemEventScope = 2, owner: string | null = null) =>
  after([], start('FreetextRebuild', scope, owner, { message: 'rebuilding', eta: ETA }));

describe('system events decider', () => {
  describe('starting', () => {
    it('starts an event with its key, details, who started it and when, as the first of the tenant', () =>
      given([])
        .when(start('FreetextRebuild', 2, null, { message: 'rebuilding', eta: ETA, status: 'running' }))
        .then([
          {
            type: 'SystemEventStarted',
            data: {
              eventKey: 'FreetextRebuild',
              scope: 2,
              owner: null,
              status: 'running',
              message: 'rebuilding',
              eta: ETA,
              finishedAt: ETA,
              sequence: 1,
              activatedAt: T0,
              activatedBy: 'u42',
            },
          },
        ]));

    it('refuses a second live event with the same key, scope and owner', () =>
      given(startedFreetext())
        .when(start('FreetextRebuild', 2))
        .thenRefuses('system-event-exists', { eventKey: 'FreetextRebuild', scope: 2, owner: null }));

    it('refuses it whatever its status, also after updates', () => {
      const history = after(startedFreetext(), update('FreetextRebuild', 2, null, { status: 'completed' }));
      given(history)
        .when(start('FreetextRebuild', 2, null, { status: 'running' }))
        .thenRefuses('system-event-exists');
    });

    it('allows the same key in another scope, or for another owner', () => {
      given(startedFreetext())
        .when(start('FreetextRebuild', 1))
        .thenMatches([{ type: 'SystemEventStarted', data: { scope: 1, sequence: 2 } }]);
      const forGroup = after([], start('NoLogin', 3, 'g1'));
      given(forGroup)
        .when(start('NoLogin', 3, 'g2'))
        .thenMatches([{ data: { owner: 'g2', sequence: 2 } }]);
      given(forGroup)
        .when(start('NoLogin', 4, 'g1'))
        .thenMatches([{ data: { scope: 4, owner: 'g1' } }]);
    });

    it('allows the key again once deleted, as a new entry with the next sequence', () => {
      const history = after(startedFreetext(), remove('FreetextRebuild', 2));
      given(history)
        .when(start('FreetextRebuild', 2))
        .thenMatches([{ type: 'SystemEventStarted', data: { sequence: 2 } }]);
    });

    it('accepts every predefined key and free-form keys of the same shape', () => {
      for (const key of [
        'FreetextRebuild',
        'UDefRebuild',
        'PrototypeRebuild',
        'ROURebuild',
        'NoLogin',
        'NoFreetext',
        'NoTravel',
        'MessageOfTheDay',
        'Nightly-Import.v2',
      ]) {
        given([])
          .when(start(key))
          .thenMatches([{ type: 'SystemEventStarted', data: { eventKey: key } }]);
      }
    });

    it.each(['', '1Rebuild', 'has space', 'x'.repeat(65), 'Ünicode'])('refuses the event key %p', (key) =>
      given([]).when(start(key)).thenRefuses('invalid-event-key'),
    );

    it.each([
      'LicensePackageActivated',
      'LicensePackageRejected',
      'MeteringThresholdExceeded',
      'LicenseAdminWarning',
      'LicenseGraceExpired',
    ])('refuses to start the backend notice %s: it is reserved', (key) =>
      given([]).when(start(key, 2)).thenRefuses('reserved-event-key', { eventKey: key }),
    );

    it.each(['licensepackageactivated', 'LICENSEGRACEEXPIRED', 'meteringThresholdExceeded'])(
      'refuses %s: reserved keys are reserved whatever the case (issue 13, item 7)',
      (key) => given([]).when(start(key, 2)).thenRefuses('reserved-event-key', { eventKey: key }),
    );

    it('refuses a scope other than 1 to 4', () =>
      given([])
        .when(start('NoLogin', 5 as SystemEventScope))
        .thenRefuses('invalid-scope'));

    it.each([3, 4] as const)('requires the owner for scope %p', (scope) => {
      given([])
        .when(start('NoLogin', scope, null))
        .thenRefuses('owner-required', { scope });
      given([])
        .when(start('NoLogin', scope, ''))
        .thenRefuses('owner-required');
    });

    it.each([1, 2] as const)('refuses an owner for scope %p', (scope) =>
      given([])
        .when(start('NoLogin', scope, 'u1'))
        .thenRefuses('owner-not-allowed', { scope, owner: 'u1' }),
    );

    it('refuses an unknown status, an eta that is no instant and an overlong message', () => {
      given([])
        .when(start('NoLogin', 1, null, { status: 'paused' as SystemEventStatus }))
        .thenRefuses('invalid-status');
      given([])
        .when(start('NoLogin', 1, null, { eta: 'tomorrow' }))
        .thenRefuses('invalid-eta');
      given([])
        .when(start('NoLogin', 1, null, { eta: '2026-02-30T10:00:00Z' }))
        .thenRefuses('invalid-eta');
      given([])
        .when(start('NoLogin', 1, null, { message: 'x'.repeat(2001) }))
        .thenRefuses('message-too-long');
      given([])
        .when(start('NoLogin', 1, null, { message: 'x'.repeat(2000) }))
        .thenMatches([{ type: 'SystemEventStarted' }]);
    });

    it('shows the moment it started as finished when it starts completed or failed', () => {
      given([])
        .when(start('ROURebuild', 1, null, { status: 'completed', eta: ETA }))
        .thenMatches([{ data: { finishedAt: T0, eta: ETA } }]);
      given([])
        .when(start('ROURebuild', 1, null, { status: 'failed' }))
        .thenMatches([{ data: { finishedAt: T0 } }]);
    });
  });

  describe('updating', () => {
    it('records the new status, message and expected finish with who and when', () =>
      given(startedFreetext())
        .when(update('FreetextRebuild', 2, null, { status: 'running', message: 'half way', eta: T2 }))
        .then([
          {
            type: 'SystemEventUpdated',
            data: {
              eventKey: 'FreetextRebuild',
              scope: 2,
              owner: null,
              status: 'running',
              message: 'half way',
              eta: T2,
              finishedAt: T2,
              sequence: 1,
              updatedAt: T1,
              updatedBy: 'admin-key',
            },
          },
        ]));

    it('keeps what the update leaves out, and clears the eta when it is null', () => {
      given(startedFreetext())
        .when(update('FreetextRebuild', 2, null, { message: 'still going' }))
        .thenMatches([{ data: { status: 'active', message: 'still going', eta: ETA, finishedAt: ETA } }]);
      given(startedFreetext())
        .when(update('FreetextRebuild', 2, null, { eta: null }))
        .thenMatches([{ data: { message: 'rebuilding', eta: null, finishedAt: null } }]);
    });

    it('finishes at the moment it completes or fails, and keeps that moment while it stays ended', () => {
      given(startedFreetext())
        .when(update('FreetextRebuild', 2, null, { status: 'completed' }, T1))
        .thenMatches([{ data: { finishedAt: T1, eta: ETA } }]);
      const completed = after(startedFreetext(), update('FreetextRebuild', 2, null, { status: 'completed' }, T1));
      given(completed)
        .when(update('FreetextRebuild', 2, null, { status: 'failed' }, T2))
        .thenMatches([{ data: { status: 'failed', finishedAt: T1 } }]);
      given(completed)
        .when(update('FreetextRebuild', 2, null, { status: 'running' }, T2))
        .thenMatches([{ data: { status: 'running', finishedAt: ETA } }]);
    });

    it('refuses an update that changes nothing, whatever its fields (issue 13, item 7)', () =>
      given(startedFreetext())
        .when(update('FreetextRebuild', 2, null, { message: 'rebuilding', eta: ETA }))
        .thenRefuses('nothing-to-update'));

    it('refuses an update without changes', () =>
      given(startedFreetext())
        .when(update('FreetextRebuild', 2, null, {}))
        .thenRefuses('nothing-to-update'));

    it('refuses an event that is not live: never started, deleted, or under another key', () => {
      given([])
        .when(update('FreetextRebuild', 2, null, { status: 'running' }))
        .thenRefuses('system-event-not-found', { eventKey: 'FreetextRebuild', scope: 2 });
      given(after(startedFreetext(), remove('FreetextRebuild', 2)))
        .when(update('FreetextRebuild', 2, null, { status: 'running' }))
        .thenRefuses('system-event-not-found');
      given(startedFreetext())
        .when(update('FreetextRebuild', 1, null, { status: 'running' }))
        .thenRefuses('system-event-not-found');
      given(startedFreetext(4, 'u1'))
        .when(update('FreetextRebuild', 4, 'u2', { status: 'running' }))
        .thenRefuses('system-event-not-found');
    });

    it('checks the key and the details as a start does', () => {
      given(startedFreetext())
        .when(update('FreetextRebuild', 3, null, { status: 'running' }))
        .thenRefuses('owner-required');
      given(startedFreetext())
        .when(update('FreetextRebuild', 2, 'u1', { status: 'running' }))
        .thenRefuses('owner-not-allowed');
      given(startedFreetext())
        .when(update('bad key', 2, null, { status: 'running' }))
        .thenRefuses('invalid-event-key');
      given(startedFreetext())
        .when(update('FreetextRebuild', 2, null, { status: 'done' as SystemEventStatus }))
        .thenRefuses('invalid-status');
      given(startedFreetext())
        .when(update('FreetextRebuild', 2, null, { eta: 'soon' }))
        .thenRefuses('invalid-eta');
      given(startedFreetext())
        .when(update('FreetextRebuild', 2, null, { message: 'x'.repeat(2001) }))
        .thenRefuses('message-too-long');
    });

    it('lets an administrator update a backend notice', () => {
      const history = after([], raise('LicenseGraceExpired', 'grace passed'));
      given(history)
        .when(update('LicenseGraceExpired', 2, null, { status: 'completed' }))
        .thenMatches([{ type: 'SystemEventUpdated', data: { status: 'completed' } }]);
    });
  });

  describe('deleting', () => {
    it('deletes a live event, naming its sequence, who and when', () =>
      given(startedFreetext(4, 'u7'))
        .when(remove('FreetextRebuild', 4, 'u7'))
        .then([
          {
            type: 'SystemEventDeleted',
            data: {
              eventKey: 'FreetextRebuild',
              scope: 4,
              owner: 'u7',
              sequence: 1,
              deletedAt: T1,
              deletedBy: 'admin-key',
            },
          },
        ]));

    it('refuses an event that is not live', () => {
      given([]).when(remove('FreetextRebuild', 2)).thenRefuses('system-event-not-found');
      given(after(startedFreetext(), remove('FreetextRebuild', 2)))
        .when(remove('FreetextRebuild', 2))
        .thenRefuses('system-event-not-found');
    });

    it('checks the key', () =>
      given(startedFreetext()).when(remove('FreetextRebuild', 4)).thenRefuses('owner-required'));

    it('lets an administrator delete a backend notice', () =>
      given(after([], raise('LicensePackageRejected', 'rejected', 'failed')))
        .when(remove('LicensePackageRejected', 2))
        .thenMatches([{ type: 'SystemEventDeleted' }]));
  });

  describe('raising a backend notice', () => {
    it('starts it in database scope, by the backend, with its cause', () =>
      given([])
        .when(raise('LicensePackageActivated', 'package 1 activated', 'completed'))
        .then([
          {
            type: 'SystemEventStarted',
            data: {
              eventKey: 'LicensePackageActivated',
              scope: 2,
              owner: null,
              status: 'completed',
              message: 'package 1 activated',
              eta: null,
              finishedAt: T0,
              sequence: 1,
              activatedAt: T0,
              activatedBy: 'licensing-backend',
              notice: { kind: 'package-activated', cause: 'event:package 1 activated' },
            },
          },
        ]));

    it('updates the live notice with the newer cause instead of failing', () => {
      const history = after([], raise('LicensePackageActivated', 'package 1 activated', 'completed'));
      given(history)
        .when(raise('LicensePackageActivated', 'package 2 activated', 'completed', T2))
        .then([
          {
            type: 'SystemEventUpdated',
            data: {
              eventKey: 'LicensePackageActivated',
              scope: 2,
              owner: null,
              status: 'completed',
              message: 'package 2 activated',
              eta: null,
              finishedAt: T2,
              sequence: 1,
              updatedAt: T2,
              updatedBy: 'licensing-backend',
              notice: { kind: 'package-activated', cause: 'event:package 2 activated' },
            },
          },
        ]);
    });

    it('records an event even when the live notice already says the same, so that the cause is on record', () => {
      const history = after([], raise('MeteringThresholdExceeded', 'storage above'));
      given(history)
        .when(raise('MeteringThresholdExceeded', 'storage above'))
        .thenMatches([{ type: 'SystemEventUpdated' }]);
    });

    it('starts it anew, with the next sequence, once an administrator deleted it', () => {
      const history = after(after([], raise('LicenseAdminWarning', 'warning')), remove('LicenseAdminWarning', 2));
      given(history)
        .when(raise('LicenseAdminWarning', 'warning for the next package'))
        .thenMatches([{ type: 'SystemEventStarted', data: { sequence: 2 } }]);
    });

    it('does not touch an event of the same key in another scope', () => {
      const history = after([], raise('LicenseAdminWarning', 'warning'));
      expect(fold(systemEvents, history).live['LicenseAdminWarning|2|']).toMatchObject({ sequence: 1 });
      given(history)
        .when(start('NoLogin', 2))
        .thenMatches([{ data: { sequence: 2 } }]);
    });

    it('refuses a key that is not a backend notice', () =>
      given([]).when(raise('NoLogin', 'x')).thenRefuses('not-a-notice-key'));

    it('refuses an overlong message', () =>
      given([])
        .when(raise('LicensePackageRejected', 'x'.repeat(2001)))
        .thenRefuses('message-too-long'));
  });

  it('evolves the live events and the count of starts', () => {
    let history = after([], start('NoLogin', 3, 'g1', { message: 'maintenance' }));
    history = after(history, start('MessageOfTheDay', 1, null, { message: 'hello' }));
    history = after(history, update('NoLogin', 3, 'g1', { status: 'running' }));
    history = after(history, remove('MessageOfTheDay', 1));
    const state = fold(systemEvents, history);
    expect(state.started).toBe(2);
    expect(Object.values(state.live)).toEqual([
      {
        eventKey: 'NoLogin',
        scope: 3,
        owner: 'g1',
        status: 'running',
        message: 'maintenance',
        eta: null,
        finishedAt: null,
        sequence: 1,
        activatedAt: T0,
        activatedBy: 'u42',
      },
    ]);
  });
});
