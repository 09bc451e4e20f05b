import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatNumber, formatWhen } from '../../lib/format';
import { useTournaments } from './api';

/** /tournaments: every tournament, the most recently played first (GET /api/tournaments). */
export function TournamentsPage() {
  const query = useTournaments();
  return (
    <section>
      <h1>Tournaments</h1>
      {query.isPending ? (
        <p role="status">Loading the tournaments…</p>
      ) : query.error ? (
        <ErrorMessage error={query.error} what="list of tournaments" onRetry={() => void query.refetch()} />
      ) : query.data.results.length === 0 ? (
        <p>No tournament has been played yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <caption>Tournaments, the most recently played first</caption>
            <thead>
              <tr>
                <th scope="col">Tournament</th>
                <th scope="col">Matches</th>
                <th scope="col">Players</th>
                <th scope="col">First match</th>
                <th scope="col">Last match</th>
              </tr>
            </thead>
            <tbody>
              {query.data.results.map((tournament) => (
                <tr key={tournament.tournament_id}>
                  <th scope="row">
                    <Link
                      className="name"
                      title={tournament.tournament_id}
                      to={`/tournaments/${encodeURIComponent(tournament.tournament_id)}`}
                    >
                      {tournament.tournament_id}
                    </Link>
                  </th>
                  <td>{formatNumber(tournament.matches)}</td>
                  <td>{formatNumber(tournament.players)}</td>
                  <td>{formatWhen(tournament.first_match_at)}</td>
                  <td>{formatWhen(tournament.last_match_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
