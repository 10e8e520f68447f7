// The person's organisation spaces (seed 004 §五): 个人空间 or a group space, switched from the top bar.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { groupsApi, type Space } from '../../api/groups';
import { useSession } from '../../app/session';

export interface SpacesState {
  items: Space[];
  current: Space | null;
  /** Changes whenever the current space changes (pages that depend on it reload). */
  version: number;
  switchTo: (groupId: string | null) => Promise<Space | null>;
  reload: () => void;
}

const SpacesContext = createContext<SpacesState | null>(null);

export function SpacesProvider({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const [items, setItems] = useState<Space[]>([]);
  const [current, setCurrent] = useState<Space | null>(null);
  const [version, setVersion] = useState(0);
  const [tick, setTick] = useState(0);
  const person = me && (me.type === 'volunteer' || me.type === 'staff');

  useEffect(() => {
    let live = true;
    if (!person) {
      setItems([]);
      setCurrent(null);
      return;
    }
    groupsApi.spaces().then(
      (s) => {
        if (!live) return;
        setItems(s.items);
        setCurrent(s.current);
      },
      () => {
        if (!live) return;
        setItems([]);
        setCurrent(null);
      },
    );
    return () => {
      live = false;
    };
  }, [me?.id, person, tick]);

  const switchTo = useCallback(
    async (groupId: string | null) => {
      const answer = await groupsApi.switchSpace(groupId);
      const next = (answer && 'current' in answer ? answer.current : (answer as Space | null)) ?? null;
      const full = next ? (items.find((i) => i.groupId === next.groupId) ?? next) : null;
      setCurrent(full);
      setVersion((v) => v + 1);
      return full;
    },
    [items],
  );
  const reload = useCallback(() => setTick((t) => t + 1), []);

  const value = useMemo(() => ({ items, current, version, switchTo, reload }), [items, current, version, switchTo, reload]);
  return <SpacesContext.Provider value={value}>{children}</SpacesContext.Provider>;
}

export function useSpaces(): SpacesState {
  const state = useContext(SpacesContext);
  if (!state) throw new Error('useSpaces outside SpacesProvider');
  return state;
}
