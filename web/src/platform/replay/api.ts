import { useQuery } from '@tanstack/react-query';
import type { GameEvent, Replay } from '../../api/types';
import { fetchEarly } from '../../lib/prefetch';
import { replayPath } from '../matches/paths';

export interface LoadedReplay extends Omit<Replay, 'events' | 'moments'> {
  events: GameEvent[];
  moments: GameEvent[];
}

/** A replay (prefetched on a load of its page). */
export function fetchReplay(matchId: string): Promise<LoadedReplay> {
  return fetchEarly<LoadedReplay>(replayPath(matchId));
}

export function useReplay(matchId: string) {
  // A replay never changes once the match is over, but a late moment may arrive: keep it a while.
  return useQuery({ queryKey: ['replay', matchId], queryFn: () => fetchReplay(matchId), staleTime: 60_000 });
}
