import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { playerName } from '../../lib/format';
import { LIVE_KEY, useLiveMatches, type LiveMatch } from './api';
import { followStream } from './sse';

/** /live: the matches being played, kept current by the list's stream (docs/api.md, live). */
export function LiveListPage() {
  const client = useQueryClient();
  const live = useLiveMatches();

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
                {row.players.map(playerName).join(' · ')}
                {row.tournament_id ? ` — tournament ${row.tournament_id}` : ''}
              </p>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
