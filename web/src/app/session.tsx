import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { onSignedOut } from '../api/client';
import { getMe, logout as apiLogout } from '../api/endpoints';
import type { Me } from '../api/types';

type SessionStatus = 'loading' | 'signedIn' | 'signedOut' | 'error';

export interface Session {
  status: SessionStatus;
  me: Me | null;
  error: unknown;
  /** True after the person signed out (or ended this session) themselves, rather than it expiring. */
  endedByUser: boolean;
  /** Ask the server again who is signed in. */
  refresh: () => Promise<Me | null>;
  /** After a successful sign-in. */
  signedIn: (me: Me) => void;
  /** Forget the account locally: the server already ended the session (by the person, unless `byUser` is false). */
  signedOut: (byUser?: boolean) => void;
  /** End the session on the server, then forget it. */
  logout: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<{ status: SessionStatus; me: Me | null; error: unknown; endedByUser: boolean }>({
    status: 'loading',
    me: null,
    error: undefined,
    endedByUser: false,
  });

  const refresh = useCallback(async () => {
    try {
      const me = await getMe();
      setState({ status: me ? 'signedIn' : 'signedOut', me, error: undefined, endedByUser: false });
      return me;
    } catch (error) {
      setState((s) => ({ ...s, status: s.me ? s.status : 'error', error }));
      return null;
    }
  }, []);

  useEffect(() => {
    void refresh();
    return onSignedOut(() => setState({ status: 'signedOut', me: null, error: undefined, endedByUser: false }));
  }, [refresh]);

  const signedIn = useCallback((me: Me) => setState({ status: 'signedIn', me, error: undefined, endedByUser: false }), []);
  const signedOut = useCallback(
    (byUser = true) => setState({ status: 'signedOut', me: null, error: undefined, endedByUser: byUser }),
    [],
  );
  const logout = useCallback(async () => {
    try {
      await apiLogout();
    } finally {
      setState({ status: 'signedOut', me: null, error: undefined, endedByUser: true });
    }
  }, []);

  const value = useMemo<Session>(
    () => ({ ...state, refresh, signedIn, signedOut, logout }),
    [state, refresh, signedIn, signedOut, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
