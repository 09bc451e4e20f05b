import { useCallback, useEffect } from 'react';
import { Link, useSearchParams } from 'react-router';
import { refreshSession, sessionState } from '../../lib/session';
import { useSession } from '../../lib/useSession';
import { isMode, type Mode } from '../../game/modes';
import { SoloGame } from './SoloGame';

/** /play (?mode=marathon|sprint|blitz): anyone may play; a signed-out player's result waits for them to sign in. */
export function PlayPage() {
  const [params, setParams] = useSearchParams();
  const { state } = useSession();
  useEffect(() => {
    // After a reload the access token is gone: the refresh cookie brings it back, if there is one.
    if (sessionState() === 'unknown') void refreshSession();
  }, []);
  const seedText = params.get('seed');
  const seed = seedText !== null && /^\d{1,10}$/.test(seedText) ? Number(seedText) : null;
  const modeText = params.get('mode');
  const mode: Mode = isMode(modeText) ? modeText : 'marathon';
  const changeMode = useCallback(
    (next: Mode) =>
      setParams((current) => {
        const updated = new URLSearchParams(current);
        updated.set('mode', next);
        return updated;
      }),
    [setParams],
  );
  return (
    <SoloGame
      seed={seed}
      mode={mode}
      onModeChange={changeMode}
      signedIn={state === 'signed-in'}
      signInLink={
        <Link className="button primary" to="/signin" state={{ from: `/play?mode=${mode}` }}>
          Sign in
        </Link>
      }
    />
  );
}
