import type { SystemEventsCommand, SystemEventsEvent, SystemEventsRefusal, SystemEventsState } from '@app/domain';
import type { DeciderRunner } from '../decider-runner';

/** One per process, shared by the HTTP handlers and the notice process managers, so that they never conflict. */
export type SystemEventsRunner = DeciderRunner<
  SystemEventsCommand,
  SystemEventsEvent,
  SystemEventsState,
  SystemEventsRefusal
>;
