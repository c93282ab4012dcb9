import { NO_STREAM } from '@kurrent/kurrentdb-client';
import { DuplicateEventIdError, WrongExpectedVersionError } from '../../src';
import { AppendPlan, KnownIds, planAppend } from '../../src/kurrentdb/append-plan';

/** A stream whose events have these ids, at revisions 0, 1, 2, … */
function stream(...ids: string[]): KnownIds {
  return {
    actual: ids.length === 0 ? 'no_stream' : ids.length - 1,
    revisionOf: (id) => (ids.includes(id) ? ids.indexOf(id) : undefined),
    idAt: (revision) => ids[revision],
  };
}

function refusal(plan: AppendPlan): Error {
  if (plan.kind !== 'refuse') throw new Error(`expected a refusal, got ${plan.kind}`);
  return plan.error;
}

describe('planAppend: the port decides, KurrentDB only writes', () => {
  it('maps each expected state to the client streamState of the stream as it stands: NO_STREAM or an exact bigint revision', () => {
    expect(planAppend('s', ['x'], 'no_stream', stream())).toEqual({ kind: 'write', streamState: NO_STREAM });
    expect(planAppend('s', ['x'], 'any', stream('a', 'b'))).toEqual({ kind: 'write', streamState: 1n });
    expect(planAppend('s', ['x'], 'stream_exists', stream('a'))).toEqual({ kind: 'write', streamState: 0n });
    expect(planAppend('s', ['x', 'y'], 2, stream('a', 'b', 'c'))).toEqual({ kind: 'write', streamState: 2n });
  });

  it('refuses an expected state that does not hold, with the actual state', () => {
    const error = refusal(planAppend('s', ['x'], 'no_stream', stream('a', 'b')));
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ stream: 's', expected: 'no_stream', actual: 1 });
    expect(planAppend('s', ['x'], 'stream_exists', stream())).toMatchObject({
      error: { expected: 'stream_exists', actual: 'no_stream' },
    });
    expect(planAppend('s', ['x'], 0, stream('a', 'b'))).toMatchObject({ error: { expected: 0, actual: 1 } });
  });

  it('answers a repeat of the same append (same ids, same expected state) with its first result', () => {
    expect(planAppend('s', ['a', 'b'], 'no_stream', stream('a', 'b', 'c'))).toEqual({
      kind: 'repeat',
      lastRevision: 1,
    });
    expect(planAppend('s', ['b', 'c'], 0, stream('a', 'b', 'c', 'd'))).toEqual({ kind: 'repeat', lastRevision: 2 });
    expect(planAppend('s', ['c'], 'any', stream('a', 'b', 'c', 'd'))).toEqual({ kind: 'repeat', lastRevision: 2 });
    expect(planAppend('s', ['b'], 'stream_exists', stream('a', 'b'))).toEqual({ kind: 'repeat', lastRevision: 1 });
  });

  it('the same ids under a different expected state are no repeat: the expected state is judged', () => {
    expect(planAppend('s', ['a', 'b'], 5, stream('a', 'b'))).toMatchObject({
      kind: 'refuse',
      error: { expected: 5, actual: 1 },
    });
    expect(refusal(planAppend('s', ['a', 'b'], 5, stream('a', 'b')))).toBeInstanceOf(WrongExpectedVersionError);
  });

  it('refuses an id already recorded inside a different append, first or later, where KurrentDB would write it again', () => {
    for (const ids of [
      ['a', 'fresh'],
      ['fresh', 'a'],
      ['b', 'a'],
    ]) {
      expect(refusal(planAppend('s', ids, 'any', stream('a', 'b')))).toBeInstanceOf(DuplicateEventIdError);
    }
    expect(planAppend('s', ['fresh', 'a'], 'any', stream('a', 'b'))).toMatchObject({ error: { eventId: 'a' } });
  });

  it('judges the expected state before a reused id, as the embedded store does', () => {
    expect(refusal(planAppend('s', ['fresh', 'a'], 'no_stream', stream('a')))).toBeInstanceOf(
      WrongExpectedVersionError,
    );
  });
});
