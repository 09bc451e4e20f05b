import { useEffect } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { refreshSession, sessionState } from '../../lib/session';
import { useSession } from '../../lib/useSession';

/**
 * Pages for signed-in players. After a reload the refresh cookie gives a new access token; the page
 * renders meanwhile, so its requests leave as soon as the token is in (apiFetch waits for it)
 * instead of after one more render.
 */
export function RequireSession() {
  const { state } = useSession();
  const location = useLocation();
  useEffect(() => {
    if (sessionState() === 'unknown') void refreshSession();
  }, []);
  if (state === 'signed-out') {
    return <Navigate to="/signin" replace state={{ from: `${location.pathname}${location.search}` }} />;
  }
  return <Outlet />;
}
