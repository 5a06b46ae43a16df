// React hook around `call`: loads a route when the name/options/deps change, optionally
// refreshes every refreshMs, aborts superseded requests, and exposes reload().
// A null name means "nothing to load yet" (e.g. an id not known).
import { useCallback, useEffect, useRef, useState } from 'react';
import { call, isAbort, type CallOptions } from './client';
import type { RouteName } from './routes';

export interface ApiState<T> {
  data?: T;
  error?: Error;
  loading: boolean;
  reload(): void;
}

export function useApi<T>(
  name: RouteName | null,
  opts?: CallOptions,
  deps: unknown[] = [],
  refreshMs?: number,
): ApiState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState<boolean>(name !== null);
  const [tick, setTick] = useState(0);
  const optsRef = useRef(opts);
  optsRef.current = opts;
  const key = JSON.stringify([name, opts?.params, opts?.query, opts?.body, opts?.text]);

  useEffect(() => {
    if (name === null) {
      setLoading(false);
      return;
    }
    const ctl = new AbortController();
    setLoading(true);
    call<T>(name, { ...optsRef.current, signal: ctl.signal })
      .then((d) => {
        if (ctl.signal.aborted) return;
        setData(d);
        setError(undefined);
        setLoading(false);
      })
      .catch((e: unknown) => {
        if (ctl.signal.aborted || isAbort(e)) return;
        setError(e instanceof Error ? e : new Error(String(e)));
        setLoading(false);
      });
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick, ...deps]);

  useEffect(() => {
    if (!refreshMs || name === null) return;
    const t = setInterval(() => setTick((n) => n + 1), refreshMs);
    return () => clearInterval(t);
  }, [refreshMs, name]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload };
}
