import { useEffect } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { refreshSession, sessionState } from '../../lib/session';
import { useSession } from '../../lib/useSession';

/** Pages for signed-in players: after a reload the refresh cookie gives a new access token first. */
export function RequireSession() {
  const { state } = useSession();
  const location = useLocation();
  useEffect(() => {
    if (sessionState() === 'unknown') void refreshSession();
  }, []);
  if (state === 'unknown') return <p role="status">Loading…</p>;
  if (state === 'signed-out') {
    return <Navigate to="/signin" replace state={{ from: `${location.pathname}${location.search}` }} />;
  }
  return <Outlet />;
}
