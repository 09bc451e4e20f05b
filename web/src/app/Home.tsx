import { Navigate } from 'react-router';
import { useSession } from '../lib/useSession';
import { VisitorHome } from '../platform/public/VisitorHome';

/** `/`: the history when signed in, else the home page for visitors. */
export function Home() {
  const { state } = useSession();
  if (state === 'unknown') return <p role="status">Loading…</p>;
  return state === 'signed-in' ? <Navigate to="/matches" replace /> : <VisitorHome />;
}
