/**
 * A short-lived in-memory cache of computed results (public search pages), for lists that may lag a few seconds behind
 * writes and are asked for many times a second. One cache per server: make it per AppContext with perContext, so that
 * test apps and a bench's servers never share one.
 *
 * - An entry answers for ttlMs from when it was computed (by `now`, the app's clock, so tests can move it); a clock
 *   that went backwards counts as expired. ttlMs 0 turns the cache off: every get computes.
 * - At most `entries` keys; the least recently used goes first.
 * - Concurrent gets of one key share the one computation in flight; a computation that fails is dropped, so the
 *   next get tries again.
 */
export interface ResultCache<V> {
  get(key: string, compute: () => Promise<V>): Promise<V>;
  readonly size: number;
}

export function createResultCache<V>(options: { ttlMs: number; entries: number; now?: () => number }): ResultCache<V> {
  const { ttlMs, entries } = options;
  const now = options.now ?? Date.now;
  const map = new Map<string, { at: number; result: Promise<V> }>();
  return {
    get size() {
      return map.size;
    },
    get(key, compute) {
      if (ttlMs <= 0) return compute();
      const at = now();
      const hit = map.get(key);
      map.delete(key);
      if (hit && at - hit.at >= 0 && at - hit.at < ttlMs) {
        map.set(key, hit); // most recently used last
        return hit.result;
      }
      let result: Promise<V>;
      try {
        result = compute();
      } catch (err) {
        return Promise.reject(err);
      }
      map.set(key, { at, result });
      result.catch(() => {
        if (map.get(key)?.result === result) map.delete(key);
      });
      while (map.size > entries) map.delete(map.keys().next().value!);
      return result;
    },
  };
}

/** One cache per owner (an AppContext), made on first use. */
export function perContext<C extends object, V>(make: (owner: C) => ResultCache<V>): (owner: C) => ResultCache<V> {
  const caches = new WeakMap<C, ResultCache<V>>();
  return (owner) => {
    let cache = caches.get(owner);
    if (!cache) caches.set(owner, (cache = make(owner)));
    return cache;
  };
}
