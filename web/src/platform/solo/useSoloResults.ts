import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { soloResultPoster, type SoloAuth } from './api/postSoloResult';
import { resultSender } from './resultSender';

export interface SoloSession extends SoloAuth {
  readonly signedIn: boolean;
}

/** The kept solo results, and the sender told who is signed in (mount it once, at the app's root). */
export function useSoloResults(session: SoloSession | null) {
  const sender = resultSender();
  const results = useSyncExternalStore(sender.subscribe, sender.snapshot);
  const post = useMemo(() => (session ? soloResultPoster(session) : null), [session]);
  const signedIn = session?.signedIn ?? false;
  useEffect(() => {
    if (post !== null) {
      sender.configure(post, signedIn);
    }
  }, [sender, post, signedIn]);
  return { results, keep: sender.keep.bind(sender), signedIn };
}
