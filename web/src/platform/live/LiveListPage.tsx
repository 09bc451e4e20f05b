import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { apiFetch } from '../../lib/session';
import { followStream } from './sse';

export interface LiveMatch {
  room_id: string;
  started_at: string;
  mode: string;
  tournament_id: string | null;
  players: { player_id: string; username: string | null }[];
  tick: number;
  last_event_at: string;
}

const LIVE_KEY = ['live', 'matches'] as const;

/** /live: the matches being played, kept current by the list's stream (docs/api.md, live). */
export function LiveListPage() {
  const client = useQueryClient();
  const live = useQuery({ queryKey: LIVE_KEY, queryFn: () => apiFetch<LiveMatch[]>('/api/live/matches') });

  useEffect(
    () =>
      followStream('/api/live/matches/stream', {
        onMessage: (message) => {
          if (message.event === 'snapshot') client.setQueryData(LIVE_KEY, JSON.parse(message.data) as LiveMatch[]);
          else if (message.event === 'match_ended') {
            const { room_id: ended } = JSON.parse(message.data) as { room_id: string };
            client.setQueryData<LiveMatch[]>(LIVE_KEY, (rows) => (rows ?? []).filter((row) => row.room_id !== ended));
          } else if (message.event === 'match_started') void client.invalidateQueries({ queryKey: LIVE_KEY });
        },
      }),
    [client],
  );

  return (
    <section>
      <h1>Live matches</h1>
      {live.error ? <ErrorMessage error={live.error} what="live matches" onRetry={() => void live.refetch()} /> : null}
      {live.isPending ? <p role="status">Loading…</p> : null}
      {live.data && live.data.length === 0 ? <p>No match is being played right now.</p> : null}
      {live.data && live.data.length > 0 ? (
        <ul className="live-list" aria-label="Matches being played">
          {live.data.map((row) => (
            <li key={row.room_id} className="card">
              <Link to={`/live/${encodeURIComponent(row.room_id)}`}>
                <strong>Room {row.room_id}</strong>
              </Link>{' '}
              <span className="live-badge">Live</span>
              <p>
                {row.players.map((player) => player.username ?? player.player_id).join(' · ')}
                {row.tournament_id ? ` — tournament ${row.tournament_id}` : ''}
              </p>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
