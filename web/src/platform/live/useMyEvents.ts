import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useSession } from '../../lib/useSession';
import { followStream } from './sse';

/** While signed in, a match of the caller's recorded anywhere refreshes their history and player figures
 * (GET /api/me/events). */
export function useMyEvents(): void {
  const client = useQueryClient();
  const { state } = useSession();
  useEffect(() => {
    if (state !== 'signed-in') return undefined;
    return followStream('/api/me/events', {
      signedIn: true,
      onMessage: (message) => {
        if (message.event !== 'match_recorded') return;
        void client.invalidateQueries({ queryKey: ['matches'] });
        void client.invalidateQueries({ queryKey: ['player-stats'] });
      },
    });
  }, [client, state]);
}
