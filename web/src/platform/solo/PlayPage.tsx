import { useEffect } from 'react';
import { Link, useSearchParams } from 'react-router';
import { refreshSession, sessionState } from '../../lib/session';
import { useSession } from '../../lib/useSession';
import { SoloGame } from './SoloGame';

/** /play: anyone may play; a signed-out player's result waits for them to sign in. */
export function PlayPage() {
  const [params] = useSearchParams();
  const { state } = useSession();
  useEffect(() => {
    // After a reload the access token is gone: the refresh cookie brings it back, if there is one.
    if (sessionState() === 'unknown') void refreshSession();
  }, []);
  const seedText = params.get('seed');
  const seed = seedText !== null && /^\d{1,10}$/.test(seedText) ? Number(seedText) : null;
  return (
    <SoloGame
      seed={seed}
      signedIn={state === 'signed-in'}
      signInLink={
        <Link className="button primary" to="/signin" state={{ from: '/play' }}>
          Sign in
        </Link>
      }
    />
  );
}
