import { Link } from 'react-router';
import type { Match } from '../../api/types';
import { PlayerLink } from '../../components/PlayerLink';
import { formatNumber, formatWhen } from '../../lib/format';
import type { HistoryState } from './useHistory';
import { matchModeText } from '../../lib/matchMode';

interface Props {
  history: HistoryState;
  /** The signed-in player's user id, to show their own placement and score. */
  userId: string | null;
}

function ownRow(match: Match, userId: string | null) {
  return match.players.find((player) => player.user_id === userId) ?? match.players[0];
}

/** The history table: what `useHistory` gives, with its loading, empty and error states. */
export function MatchHistory({ history, userId }: Props) {
  if (history.isLoading) return <p role="status">Loading your matches…</p>;
  if (history.error && history.matches.length === 0) {
    return (
      <div role="alert">
        <p>Your matches could not be loaded: {history.error.message}</p>
        <button type="button" onClick={history.retry}>
          Try again
        </button>
      </div>
    );
  }
  if (history.matches.length === 0) {
    return <p>No matches here yet. Play a game, or clear the filters, and they will show up.</p>;
  }
  return (
    <>
      <div className="table-scroll">
        <table className="table">
          <caption className="visually-hidden">Your matches, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col" className="optional">
                Mode
              </th>
              <th scope="col">Room</th>
              <th scope="col">Placement</th>
              <th scope="col">Score</th>
              <th scope="col" className="optional">
                Level
              </th>
              <th scope="col">Players</th>
            </tr>
          </thead>
          <tbody>
            {history.matches.map((match) => {
              const own = ownRow(match, userId);
              return (
                <tr key={match.id}>
                  <td className="when">
                    <Link to={`/matches/${match.id}`}>{formatWhen(match.started_at)}</Link>
                  </td>
                  <td className="optional">{matchModeText(match)}</td>
                  <td>{match.room_id ?? '–'}</td>
                  <td>{own ? `${own.placement} of ${match.player_count}` : '–'}</td>
                  <td>{formatNumber(own?.score)}</td>
                  <td className="optional">{own?.level ?? '–'}</td>
                  <td className="players">
                    {match.players.map((player, index) => (
                      <span key={player.player_id}>
                        {index > 0 && ', '}
                        <PlayerLink player={player} />
                      </span>
                    ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {history.error && <p role="alert">More matches could not be loaded: {history.error.message}</p>}
      {history.hasMore && (
        <button type="button" onClick={history.loadMore} disabled={history.isLoadingMore} aria-busy={history.isLoadingMore}>
          Load more
        </button>
      )}
    </>
  );
}
