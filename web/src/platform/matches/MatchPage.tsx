import { Link, useParams } from 'react-router';
import { CopyLink } from '../../components/CopyLink';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PlayerLink } from '../../components/PlayerLink';
import { formatNumber, formatWhen, minutesSeconds, nameByPlayerId } from '../../lib/format';
import { matchModeText } from '../../lib/matchMode';
import { useMatch } from './api';
import { AnalysisSection } from '../analysis/AnalysisSection';
import { SoloFinesse } from '../analysis/SoloFinesse';

/** /matches/{id}: the players by placement, and the replay for multiplayer matches. */
export function MatchPage() {
  const { id = '' } = useParams();
  const query = useMatch(id);
  if (query.isPending) return <p role="status">Loading the match…</p>;
  if (query.error) return <ErrorMessage error={query.error} what="match" onRetry={() => void query.refetch()} />;
  const match = query.data;
  const players = [...match.players].sort((a, b) => a.placement - b.placement);
  const nameOf = nameByPlayerId(players);
  return (
    <section>
      <p className="actions">
        <CopyLink url={() => `${window.location.origin}/matches/${match.id}`} />
      </p>
      <h1>
        {match.mode === 'solo' ? 'Solo game' : `Match in ${match.room_id ?? 'a room'}`}, {formatWhen(match.started_at)}
      </h1>
      {match.mode === 'solo' && (
        <p>
          {matchModeText(match)}
          {match.verified ? ': the server replayed this run and saw these figures.' : ': the run was not sent, so it is never ranked.'}
        </p>
      )}
      {(match.mode === 'multiplayer' || match.verified) && (
        <p>
          <Link className="button" to={`/matches/${match.id}/replay`}>
            Watch replay
          </Link>
        </p>
      )}
      {match.tournament_id && (
        <p>
          <Link to={`/tournaments/${encodeURIComponent(match.tournament_id)}`}>
            The tournament {match.tournament_id}
          </Link>
        </p>
      )}
      <div className="table-scroll">
        <table className="table">
          <caption>Players by placement</caption>
          <thead>
            <tr>
              <th scope="col">Placement</th>
              <th scope="col">Name</th>
              <th scope="col">Score</th>
              <th scope="col">Lines</th>
              <th scope="col">Garbage sent</th>
              <th scope="col">Garbage received</th>
              <th scope="col">Pieces</th>
              <th scope="col">PPS</th>
              <th scope="col">APM</th>
              <th scope="col">Time</th>
            </tr>
          </thead>
          <tbody>
            {players.map((player) => (
              <tr key={player.player_id}>
                <td>{player.placement}</td>
                <th scope="row">
                  <PlayerLink player={player} />
                </th>
                <td>{formatNumber(player.score)}</td>
                <td>{player.lines_cleared}</td>
                <td>{player.garbage_sent}</td>
                <td>{player.garbage_received}</td>
                <td>{player.pieces_placed}</td>
                <td>{formatNumber(player.pps, 2)}</td>
                <td>{formatNumber(player.apm, 1)}</td>
                <td>{minutesSeconds(player.duration_ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {match.mode === 'multiplayer' && <AnalysisSection matchId={match.id} nameOf={nameOf} />}
      {match.mode === 'solo' && match.verified && <SoloFinesse matchId={match.id} />}
    </section>
  );
}
