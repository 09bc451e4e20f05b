import { useEffect } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { refreshSession, sessionState, signOut } from '../lib/session';
import { useSession } from '../lib/useSession';
import { SoloResultsSync } from '../platform/solo/SoloResultsSync';

/** Every page: the bar (docs/web-client-serving.md lists the routes), then the page. */
export function Layout() {
  const { state } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // Public pages render for anyone; the bar still needs to know whether a session is there.
  useEffect(() => {
    if (sessionState() === 'unknown') void refreshSession();
  }, []);
  const signedIn = state === 'signed-in';
  return (
    <>
      <header className="topbar">
        <NavLink to="/" className="brand">
          Tetris
        </NavLink>
        <nav aria-label="Main">
          {signedIn && <NavLink to="/matches">Matches</NavLink>}
          <NavLink to="/live">Live</NavLink>
          <NavLink to="/play">Play</NavLink>
          <NavLink to="/leaderboards">Leaderboards</NavLink>
          <NavLink to="/tournaments">Tournaments</NavLink>
          {signedIn && <NavLink to="/settings">Settings</NavLink>}
          {signedIn ? (
            <button
              type="button"
              className="link"
              onClick={async () => {
                await signOut();
                queryClient.clear();
                void navigate('/signin', { replace: true });
              }}
            >
              Sign out
            </button>
          ) : (
            state === 'signed-out' && <NavLink to="/signin">Sign in</NavLink>
          )}
        </nav>
      </header>
      <SoloResultsSync />
      <main>
        <Outlet />
      </main>
    </>
  );
}
