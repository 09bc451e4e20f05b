import { useParams } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PlayerLink } from '../../components/PlayerLink';
import { formatNumber, formatWhen } from '../../lib/format';
import { MatchTable } from '../public/MatchTable';
import { tournamentMatchesPath } from '../public/api';
import { useStandings } from './api';

/** /tournaments/{id}: the standings as of the view's last refresh (docs/api.md, stats), which the page says. */
export function TournamentPage() {
  const { id = '' } = useParams();
  const query = useStandings(id);
  if (query.isPending) return <p role="status">Loading the standings…</p>;
  if (query.error) {
    return (
      <ErrorMessage
        error={query.error}
        what="tournament"
        notFound="No match has been played in this tournament: check the tournament id."
        onRetry={() => void query.refetch()}
      />
    );
  }
  const { standings, refreshed_at: refreshedAt } = query.data;
  return (
    <section>
      <h1>Tournament {query.data.tournament_id}</h1>
      <p>
        {refreshedAt
          ? `Standings as of ${formatWhen(refreshedAt)}; matches since then are counted at the next refresh.`
          : 'The standings have not been computed yet; they will be within seconds of the next match.'}
      </p>
      {standings.length === 0 ? (
        <p>No results in the standings yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <caption>Standings</caption>
            <thead>
              <tr>
                <th scope="col">Rank</th>
                <th scope="col">Player</th>
                <th scope="col">Points</th>
                <th scope="col" className="optional">
                  Wins
                </th>
                <th scope="col" className="optional">
                  Matches
                </th>
                <th scope="col" className="optional">
                  Average placement
                </th>
                <th scope="col">Total score</th>
              </tr>
            </thead>
            <tbody>
              {standings.map((row) => (
                <tr key={row.player_id}>
                  <td>{row.rank}</td>
                  <th scope="row">
                    <PlayerLink player={row} />
                  </th>
                  <td>{formatNumber(row.points)}</td>
                  <td className="optional">{formatNumber(row.wins)}</td>
                  <td className="optional">{formatNumber(row.matches)}</td>
                  <td className="optional">{formatNumber(row.average_placement, 2)}</td>
                  <td>{formatNumber(row.total_score)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Matches</h2>
      <MatchTable
        firstPage={tournamentMatchesPath(id)}
        caption="The tournament’s matches, newest first"
        empty="No matches yet."
        what="tournament"
      />
    </section>
  );
}
