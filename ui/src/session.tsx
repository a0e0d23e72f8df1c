/** The logged-in user, shared by every page; a 401 from any call drops it (back to login). */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { loadSession, login as apiLogin, logout as apiLogout, onSessionExpired, type Session } from './api/client';

interface SessionState {
  session: Session | null;
  expired: boolean;
  login(username: string, password: string, domain: string): Promise<void>;
  logout(): Promise<void>;
}

const Ctx = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [expired, setExpired] = useState(false);
  const queries = useQueryClient();
  useEffect(() => onSessionExpired(() => {
    setSession(null);
    setExpired(true);
    queries.clear();
  }), [queries]);
  const state: SessionState = {
    session, expired,
    async login(u, p, d) {
      const s = await apiLogin(u, p, d);
      queries.clear();
      setExpired(false);
      setSession(s);
    },
    async logout() {
      await apiLogout();
      queries.clear();
      setSession(null);
    },
  };
  return <Ctx.Provider value={state}>{children}</Ctx.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
