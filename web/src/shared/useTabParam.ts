import { useSearchParams } from 'react-router-dom';

/**
 * A page's tab kept in `?tab=`, so that reloading or sharing the address opens the same tab. An absent or unknown
 * value reads as `fallback`, and choosing `fallback` leaves the address bare; the history entry is replaced, not added.
 */
export function useTabParam<T extends string>(tabs: readonly T[], fallback: T): [T, (tab: string) => void] {
  const [params, setParams] = useSearchParams();
  const raw = params.get('tab') ?? '';
  const tab = (tabs as readonly string[]).includes(raw) ? (raw as T) : fallback;
  return [tab, (key) => setParams(key === fallback ? {} : { tab: key }, { replace: true })];
}
