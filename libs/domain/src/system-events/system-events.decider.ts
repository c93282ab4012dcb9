import type { EventSourcedDecider } from '../shared/decider';
import { systemEventsEventCodec } from './system-events.codec';
import { decideSystemEvents, SystemEventsCommand, SystemEventsRefusal } from './system-events.decide';
import {
  evolveSystemEvents,
  initialSystemEventsState,
  SystemEventsEvent,
  SystemEventsState,
} from './system-events.events';

export const systemEvents: EventSourcedDecider<
  SystemEventsCommand,
  SystemEventsEvent,
  SystemEventsState,
  SystemEventsRefusal
> = {
  codec: systemEventsEventCodec,
  initialState: initialSystemEventsState,
  decide: decideSystemEvents,
  evolve: evolveSystemEvents,
};

export const SYSTEM_EVENTS_STREAM_PREFIX = 'systemevents-';
export const systemEventsStream = (tenantId: string) => `${SYSTEM_EVENTS_STREAM_PREFIX}${tenantId}`;
