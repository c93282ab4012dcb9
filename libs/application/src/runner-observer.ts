/**
 * Told how commands end and how long appends take (metrics). Calls are synchronous and must not throw: an observer
 * watches, it never changes an outcome.
 */
export interface RunnerObserver {
  /** `failed`: the command rejected with an error (its name is the code), e.g. a conflict that outlasted the retries. */
  commandSettled(
    runner: string,
    command: string,
    outcome: 'recorded' | 'repeated' | 'refused' | 'failed',
    code?: string,
  ): void;
  appended(runner: string, seconds: number, events: number): void;
  /** A runner announces itself, with a way to read how many streams it holds in its cache. */
  watch(runner: string, cachedStreams: () => number): void;
}

/** Nest token of the process's RunnerObserver (optional: without one, runners are not observed). */
export const RUNNER_OBSERVER = Symbol('RUNNER_OBSERVER');
