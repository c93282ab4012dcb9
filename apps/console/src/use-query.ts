import { useEffect, useState } from 'preact/hooks';
import { ProblemError } from './api';

export interface QueryState<T> {
  data: T | null;
  error: ProblemError | null;
  loading: boolean;
}

/** Loads `load()` whenever a dependency changes (the live position among them); keeps the last data while reloading. */
export function useQuery<T>(load: () => Promise<T>, dependencies: unknown[]): QueryState<T> & { reload: () => void } {
  const [state, setState] = useState<QueryState<T>>({ data: null, error: null, loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error: unknown) => {
        if (!current) return;
        if (error instanceof ProblemError) setState({ data: null, error, loading: false });
        else {
          console.error(error);
          setState({ data: null, error: new ProblemError({ type: 'about:blank', title: String(error), status: 0 }), loading: false });
        }
      },
    );
    return () => {
      current = false;
    };
  }, [...dependencies, round]);
  return { ...state, reload: () => setRound((n) => n + 1) };
}
