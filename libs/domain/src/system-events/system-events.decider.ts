import type { Decider } from '../shared/decider';
import { decideSystemEvents, SystemEventsCommand, SystemEventsRefusal } from './system-events.decide';
import { evolveSystemEvents, initialSystemEventsState, SystemEventsEvent, SystemEventsState } from './system-events.events';

export const systemEvents: Decider<SystemEventsCommand, SystemEventsEvent, SystemEventsState, SystemEventsRefusal> = {
  initialState: initialSystemEventsState,
  decide: decideSystemEvents,
  evolve: evolveSystemEvents,
};

export const SYSTEM_EVENTS_STREAM_PREFIX = 'systemevents-';
export const systemEventsStream = (tenantId: string) => `${SYSTEM_EVENTS_STREAM_PREFIX}${tenantId}`;
