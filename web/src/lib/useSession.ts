import { useSyncExternalStore } from 'react';
import { currentUserId, sessionState, subscribeSession, type SessionState } from './session';

export function useSession(): { state: SessionState; userId: string | null } {
  const state = useSyncExternalStore(subscribeSession, sessionState);
  return { state, userId: state === 'signed-in' ? currentUserId() : null };
}
