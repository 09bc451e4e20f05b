import { Link, Outlet, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { signOut } from '../lib/session';
import { useSession } from '../lib/useSession';
import { SoloResultsSync } from '../platform/solo/SoloResultsSync';

export function Layout() {
  const { state } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return (
    <>
      <header className="topbar">
        <Link to="/" className="brand">
          Tetris history
        </Link>
        <nav aria-label="Main">
          {state === 'signed-in' ? (
            <>
              <Link to="/matches">Matches</Link>
              <Link to="/leaderboards">Leaderboards</Link>
              <Link to="/live">Live</Link>
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
            </>
          ) : (
            <>
              <Link to="/live">Live</Link>
              <Link to="/signin">Sign in</Link>
              <Link to="/register">Create account</Link>
            </>
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
