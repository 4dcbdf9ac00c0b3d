/** Lists that refresh by themselves: a screen's load runs at once and again every few seconds while it is shown. */
import { useEffect, useRef } from 'react';

/** Calls `load` now and every `ms` while mounted (and again at once when `key` changes), always the latest `load`. */
export function useEvery(ms: number, load: () => Promise<void>, key: unknown = null): void {
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    void latest.current();
    const t = setInterval(() => void latest.current(), ms);
    return () => clearInterval(t);
  }, [ms, key]);
}
