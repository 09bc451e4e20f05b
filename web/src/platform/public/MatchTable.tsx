import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PlayerLink } from '../../components/PlayerLink';
import { formatNumber, formatWhen } from '../../lib/format';
import { useMatchPages } from './api';

interface Props {
  /** The list's first page (lib: ./api's paths). */
  firstPage: string;
  caption: string;
  empty: string;
  /** What a failed list is called ("player", "tournament") and what its 404 means. */
  what: string;
  notFound?: string;
}

/** A public list of matches, newest first, a page at a time: when, mode, the players with placement and score. */
export function MatchTable({ firstPage, caption, empty, what, notFound }: Props) {
  const { query, matches } = useMatchPages(firstPage);
  if (query.isPending) return <p role="status">Loading the matches…</p>;
  if (query.error && matches.length === 0) {
    return <ErrorMessage error={query.error} what={what} notFound={notFound} onRetry={() => void query.refetch()} />;
  }
  if (matches.length === 0) return <p>{empty}</p>;
  return (
    <>
      <div className="table-scroll">
        <table className="table">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Mode</th>
              <th scope="col">Players by placement</th>
            </tr>
          </thead>
          <tbody>
            {matches.map((match) => (
              <tr key={match.id}>
                <td className="when">
                  <Link to={`/matches/${match.id}`}>{formatWhen(match.started_at)}</Link>
                </td>
                <td>{match.mode}</td>
                <td className="players">
                  {[...match.players]
                    .sort((a, b) => a.placement - b.placement)
                    .map((player, index) => (
                      <span key={player.player_id}>
                        {index > 0 && ', '}
                        {player.placement}. <PlayerLink player={player} /> ({formatNumber(player.score)})
                      </span>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {query.hasNextPage && (
        <button type="button" disabled={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
          {query.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
    </>
  );
}
