import type { QueryClient } from '@tanstack/react-query';
import { currentUserId, sessionState, subscribeSession } from './session';

/** Who the API answers as: a user id, null when signed out, undefined while the load's refresh is out. */
function identity(): string | null | undefined {
  const state = sessionState();
  if (state === 'unknown') return undefined;
  return state === 'signed-in' ? currentUserId() : null;
}

/**
 * Resets every query when the session changes hands (signed out to signed in, one player to another,
 * signed in to out): an answer fetched, or still on its way, under the old identity is never shown
 * under the new one. A page's first request can be refused while signed out and land after the sign-in
 * (the history then showed the old 401 instead of the player's matches); the load's own refresh
 * (unknown to known) resets nothing, since requests wait for it (apiFetch). Returns the unsubscribe.
 */
export function resetQueriesOnNewIdentity(queryClient: QueryClient): () => void {
  let last = identity();
  return subscribeSession(() => {
    const next = identity();
    const changedHands = last !== undefined && next !== last;
    last = next;
    if (changedHands) void queryClient.resetQueries();
  });
}
