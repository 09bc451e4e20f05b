import { useEffect, useSyncExternalStore } from 'react';
import { postSoloResult } from './api/postSoloResult';
import { resultSender } from './resultSender';

/** The kept solo results, with the tab's sender told whether the player is signed in. */
export function useSoloResults(signedIn: boolean) {
  const sender = resultSender();
  const results = useSyncExternalStore(sender.subscribe, sender.snapshot);
  useEffect(() => {
    sender.configure(postSoloResult, signedIn);
  }, [sender, signedIn]);
  return { results, keep: sender.keep.bind(sender) };
}
