import { useEffect } from 'react';
import { Navigate } from 'react-router';
import { refreshSession, sessionState } from '../lib/session';
import { useSession } from '../lib/useSession';

/** `/`: the history when signed in, else the sign-in form. */
export function Home() {
  const { state } = useSession();
  useEffect(() => {
    if (sessionState() === 'unknown') void refreshSession();
  }, []);
  if (state === 'unknown') return <p role="status">Loading…</p>;
  return <Navigate to={state === 'signed-in' ? '/matches' : '/signin'} replace />;
}
