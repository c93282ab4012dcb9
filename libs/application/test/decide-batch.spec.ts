import { Decider, refuse } from '@app/domain';
import {
  BatchCommand,
  chainDecisions,
  checkLink,
  CommandIdReusedError,
  decideBatch,
  eventIdOf,
  RecordedCommand,
} from '../src';

type Command = { type: 'Add'; data: { n: number } } | { type: 'Explode' };
type Event = { type: 'Added'; data: { n: number } };
type State = { total: number };

/** A counter that never passes 10 and ignores zeros: enough for every kind of answer. No store anywhere here. */
const counter: Decider<Command, Event, State> = {
  initialState: () => ({ total: 0 }),
  decide: (command, state) => {
    if (command.type === 'Explode') throw new Error('boom');
    if (command.data.n === 0) return [];
    return state.total + command.data.n > 10
      ? refuse('cap-exceeded', 'over 10', { total: state.total })
      : [{ type: 'Added', data: { n: command.data.n } }];
  },
  evolve: (state, event) => ({ total: state.total + event.data.n }),
};

const add = (n: number, commandId = `cmd-${n}`, hash = `hash-${n}`): BatchCommand<Command, Event, State> => ({
  command: { type: 'Add', data: { n } },
  commandId,
  hash,
  summarize: (before, events) => ({ before: before.total, added: events.length }),
});
const start = (total = 0, recorded: Array<[string, RecordedCommand<Event>]> = []) => ({
  state: { total },
  recorded: new Map(recorded),
  lastPosition: 41n,
});

describe('decideBatch', () => {
  it('decides the commands in order, each on the state the ones before it left, and answers them after the append', () => {
    const batch = decideBatch(counter, start(), [add(3), add(4)]);
    expect(batch.state).toEqual({ total: 7 });
    expect(batch.decisions).toEqual([
      {
        commandIndex: 0,
        commandId: 'cmd-3',
        hash: 'hash-3',
        events: [{ type: 'Added', data: { n: 3 } }],
        summary: { before: 0, added: 1 },
      },
      {
        commandIndex: 1,
        commandId: 'cmd-4',
        hash: 'hash-4',
        events: [{ type: 'Added', data: { n: 4 } }],
        summary: { before: 3, added: 1 },
      },
    ]);
    expect(batch.answers.map((answer) => answer.when)).toEqual(['after-append', 'after-append']);
  });

  it('answers a refusal at once while nothing is decided, and after the append once something is', () => {
    const batch = decideBatch(counter, start(8), [add(5), add(2), add(1)]);
    expect(batch.answers[0]).toEqual({
      when: 'now',
      outcome: { kind: 'refused', refusal: refuse('cap-exceeded', 'over 10', { total: 8 }) },
    });
    expect(batch.answers[1].when).toBe('after-append');
    expect(batch.answers[2]).toMatchObject({
      when: 'after-append',
      outcome: { kind: 'refused', refusal: { code: 'cap-exceeded', context: { total: 10 } } },
    });
    expect(batch.decisions.map((decision) => decision.commandIndex)).toEqual([1]);
  });

  it('answers a command without events at once, at the stream position, when nothing before it waits', () => {
    const batch = decideBatch(counter, start(), [add(0)]);
    expect(batch.answers).toEqual([
      {
        when: 'now',
        outcome: { kind: 'recorded', events: [], position: 41n, summary: { before: 0, added: 0 }, repeated: false },
      },
    ]);
    expect(batch.decisions).toEqual([]);
  });

  it('answers a recorded command id from the record, and refuses it for a different command', () => {
    const recorded: RecordedCommand<Event> = {
      hash: 'hash-3',
      events: [{ type: 'Added', data: { n: 3 } }],
      summary: { before: 0, added: 1 },
      position: 7n,
    };
    const batch = decideBatch(counter, start(3, [['cmd-3', recorded]]), [add(3), add(5, 'cmd-3')]);
    expect(batch.answers[0]).toEqual({
      when: 'now',
      outcome: { kind: 'recorded', events: recorded.events, position: 7n, summary: recorded.summary, repeated: true },
    });
    expect(batch.answers[1]).toEqual({ when: 'failed', error: new CommandIdReusedError('cmd-3') });
    expect(batch.decisions).toEqual([]);
    expect(batch.state).toEqual({ total: 3 });
  });

  it('decides a command id sent twice in one batch once, and answers the second as its repeat after the append', () => {
    const batch = decideBatch(counter, start(), [add(2, 'same'), add(2, 'same')]);
    expect(batch.decisions).toHaveLength(1);
    expect(batch.state).toEqual({ total: 2 });
    expect(batch.answers[1]).toMatchObject({
      when: 'after-append',
      outcome: { kind: 'recorded', repeated: true, summary: { before: 0, added: 1 } },
    });
  });

  it('fails only the command whose decision throws', () => {
    const explode: BatchCommand<Command, Event, State> = {
      command: { type: 'Explode' },
      commandId: 'x',
      hash: 'x',
      summarize: () => undefined,
    };
    const batch = decideBatch(counter, start(), [explode, add(1)]);
    expect(batch.answers[0]).toEqual({ when: 'failed', error: new Error('boom') });
    expect(batch.decisions.map((decision) => decision.commandId)).toEqual(['cmd-1']);
  });
});

describe('chainDecisions', () => {
  const decisions = decideBatch(counter, start(), [add(1), add(2)]).decisions;
  const envelopeOf = (decision: { commandId: string }) => ({
    commandId: decision.commandId,
    correlationId: 'corr',
    actor: 'tester',
    tenant: 'T1',
  });

  it('gives each event an id from its command id, the envelope as metadata, and a link in the stream chain', () => {
    const { events, lastHash } = chainDecisions({
      stream: 'counter-1',
      firstRevision: 5,
      previousHash: 'h4',
      decisions,
      envelopeOf,
      versionOf: () => 1,
    });
    expect(events.map((event) => event.id)).toEqual([eventIdOf('cmd-1', 0), eventIdOf('cmd-2', 0)]);
    expect(events[0].metadata).toMatchObject({
      correlationId: 'corr',
      causationId: 'cmd-1',
      commandId: 'cmd-1',
      commandHash: 'hash-1',
      result: { before: 0, added: 1 },
      previousHash: 'h4',
    });
    expect(events[0].metadata).not.toHaveProperty('schemaVersion');
    expect(checkLink({ ...events[1], stream: 'counter-1', revision: 6 }, events[0].metadata.hash as string)).toEqual({
      status: 'valid',
    });
    expect(lastHash).toBe(events[1].metadata.hash);
  });

  it('names the cause a command was sent for, and stamps a schema version above 1', () => {
    const { events } = chainDecisions({
      stream: 'counter-1',
      firstRevision: 0,
      previousHash: null,
      decisions,
      envelopeOf: (decision) => ({ ...envelopeOf(decision), causationId: 'event-9' }),
      versionOf: () => 2,
    });
    expect(events.map((event) => [event.metadata.causationId, event.metadata.schemaVersion])).toEqual([
      ['event-9', 2],
      ['event-9', 2],
    ]);
  });
});
