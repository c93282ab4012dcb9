import { keyString, SystemEventKey, SystemEventStatus } from './system-event-keys';

/**
 * The system events of one tenant: the live ones (started and not yet deleted). One stream per tenant
 * (`systemevents-{tenant}`).
 *
 * Every event names its system event by `sequence`, the how-many-th start of the tenant it was: it never changes
 * and never repeats, so the feed sorts by it and a key reused after a deletion is a new entry.
 */

/** What the feed shows of a system event; an update records all of it as it now stands. */
export interface SystemEventDetails {
  status: SystemEventStatus;
  message: string;
  /** Expected finish, ISO-8601, as the caller last gave it. */
  eta: string | null;
  /** The Finished column: the eta while active or running, the moment it completed or failed afterwards. */
  finishedAt: string | null;
}

/** A notice the backend raised: which rule raised it, for which cause (an event id, or the dated condition). */
export interface NoticeCause {
  kind: string;
  cause: string;
}

export type SystemEventsEvent =
  | {
      type: 'SystemEventStarted';
      data: SystemEventKey &
        SystemEventDetails & { sequence: number; activatedAt: string; activatedBy: string; notice?: NoticeCause };
    }
  | {
      type: 'SystemEventUpdated';
      data: SystemEventKey &
        SystemEventDetails & { sequence: number; updatedAt: string; updatedBy: string; notice?: NoticeCause };
    }
  | { type: 'SystemEventDeleted'; data: SystemEventKey & { sequence: number; deletedAt: string; deletedBy: string } };

export type SystemEventsEventType = SystemEventsEvent['type'];
export const SYSTEM_EVENTS_EVENT_TYPES: readonly SystemEventsEventType[] = [
  'SystemEventStarted',
  'SystemEventUpdated',
  'SystemEventDeleted',
];

export interface LiveSystemEvent extends SystemEventKey, SystemEventDetails {
  sequence: number;
  activatedAt: string;
  activatedBy: string;
}

export interface SystemEventsState {
  /** The live events by `keyString`. */
  live: Record<string, LiveSystemEvent>;
  /** How many system events the tenant has started so far: the next one gets `started + 1`. */
  started: number;
}

export function initialSystemEventsState(): SystemEventsState {
  return { live: {}, started: 0 };
}

/** Updates the state it is given and returns it (see `evolveLedger`: replay stays linear). */
export function evolveSystemEvents(state: SystemEventsState, event: SystemEventsEvent): SystemEventsState {
  switch (event.type) {
    case 'SystemEventStarted': {
      const { eventKey, scope, owner, status, message, eta, finishedAt, sequence, activatedAt, activatedBy } =
        event.data;
      state.live[keyString(event.data)] = {
        eventKey,
        scope,
        owner,
        status,
        message,
        eta,
        finishedAt,
        sequence,
        activatedAt,
        activatedBy,
      };
      state.started = Math.max(state.started, sequence);
      return state;
    }
    case 'SystemEventUpdated': {
      const live = state.live[keyString(event.data)];
      if (live) Object.assign(live, detailsOf(event.data));
      return state;
    }
    case 'SystemEventDeleted':
      delete state.live[keyString(event.data)];
      return state;
  }
}

export function liveEvent(state: SystemEventsState, key: SystemEventKey): LiveSystemEvent | undefined {
  return state.live[keyString(key)];
}

export function detailsOf(source: SystemEventDetails): SystemEventDetails {
  return { status: source.status, message: source.message, eta: source.eta, finishedAt: source.finishedAt };
}

/** The identity part of anything that carries one, without the rest. */
export function keyOf(source: SystemEventKey): SystemEventKey {
  return { eventKey: source.eventKey, scope: source.scope, owner: source.owner };
}
