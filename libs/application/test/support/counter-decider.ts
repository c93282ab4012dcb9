import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { eventCodec, EventSourcedDecider, refuse } from '@app/domain';
import type { CommandEnvelope } from '../../src';

/** The runner specs' decider: a counter that never passes `cap`, enough to see decide, refuse, retry and repeats. */
export type CounterCommand = { type: 'Add'; data: { n: number } };
export type CounterEvent = { type: 'Added'; data: { n: number } };
export type CounterState = { total: number };

export const counterDecider = (cap: number): EventSourcedDecider<CounterCommand, CounterEvent, CounterState> => ({
  codec: eventCodec<CounterEvent>({ Added: { schema: z.object({ n: z.number() }) } }),
  initialState: () => ({ total: 0 }),
  decide: (command, state) =>
    state.total + command.data.n > cap
      ? refuse('cap-exceeded', `over ${cap}`, { total: state.total })
      : [{ type: 'Added', data: { n: command.data.n } }],
  evolve: (state, event) => ({ total: state.total + event.data.n }),
});

export const add = (n: number): CounterCommand => ({ type: 'Add', data: { n } });

export const envelope = (commandId = randomUUID()): CommandEnvelope => ({
  commandId,
  correlationId: 'corr-1',
  actor: 'tester',
  tenant: 'T1',
});

/** A summary: what the command's own events added. */
export const totalOf = (_: CounterState, events: CounterEvent[]) => events.reduce((sum, e) => sum + e.data.n, 0);
