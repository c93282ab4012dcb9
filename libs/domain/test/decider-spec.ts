import { Decider, fold, isRefusal, Refusal } from '../src/shared/decider';

/** given(events).when(command).then(events) — the shape of every decider spec. */
export function specFor<C, E, S>(decider: Decider<C, E, S>) {
  return (history: E[] = []) => ({
    when(command: C) {
      const outcome = () => decider.decide(command, fold(decider, history));
      return {
        then(expected: E[]) {
          expect(outcome()).toEqual(expected);
        },
        thenMatches(expected: Array<Partial<E> | object>) {
          const events = outcome();
          expect(isRefusal(events)).toBe(false);
          expect(events).toMatchObject(expected);
          expect((events as E[]).length).toBe(expected.length);
        },
        thenRefuses(code: string, context?: Record<string, unknown>) {
          const result = outcome();
          expect(isRefusal(result) ? result.code : result).toBe(code);
          if (context) expect((result as Refusal).context).toMatchObject(context);
        },
        /** The raw outcome, for assertions that need more than a match. */
        outcome,
      };
    },
  });
}
