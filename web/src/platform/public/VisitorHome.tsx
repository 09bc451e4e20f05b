import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PlayerLink } from '../../components/PlayerLink';
import { formatNumber, formatWhen, playerName } from '../../lib/format';
import { useMultiplayerLeaderboard, useSoloLeaderboard } from '../stats/api';
import { useLiveMatches } from './api';

const TOP = 5;

function LiveMatches() {
  const live = useLiveMatches();
  if (live.isPending) return <p role="status">Looking for matches being played…</p>;
  if (live.error) return <ErrorMessage error={live.error} what="list of live matches" />;
  if (live.data.length === 0) return <p>No match is being played right now.</p>;
  return (
    <ul className="live-list">
      {live.data.map((match) => (
        <li key={`${match.room_id} ${match.started_at}`}>
          <Link to={`/live/${encodeURIComponent(match.room_id)}`}>{match.room_id}</Link>:{' '}
          {match.players.map((player) => playerName(player)).join(', ')} · since {formatWhen(match.started_at)}
        </li>
      ))}
    </ul>
  );
}

function TopFive({ kind }: { kind: 'solo' | 'multiplayer' }) {
  const solo = useSoloLeaderboard('all');
  const multiplayer = useMultiplayerLeaderboard('all');
  const query = kind === 'solo' ? solo : multiplayer;
  const caption = kind === 'solo' ? 'Solo: best scores' : 'Multiplayer: most wins';
  if (query.isPending) return <p role="status">Loading the {kind} leaderboard…</p>;
  if (query.error) return <ErrorMessage error={query.error} what="leaderboard" />;
  const rows = query.data.results.slice(0, TOP);
  if (rows.length === 0) return <p>{kind === 'solo' ? 'No solo games yet.' : 'No multiplayer matches yet.'}</p>;
  return (
    <table className="table">
      <caption>{caption}</caption>
      <tbody>
        {rows.map((row) => (
          <tr key={row.user_id}>
            <td>{row.rank}</td>
            <th scope="row">
              <PlayerLink player={{ ...row, player_id: row.user_id }} />
            </th>
            <td>{formatNumber('best_score' in row ? row.best_score : row.wins)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** `/` for a visitor: what the site is, the matches being played, the boards' top five, a way in. */
export function VisitorHome() {
  return (
    <section className="home">
      <h1>Tetris, played, recorded and replayed</h1>
      <p className="lead">
        Every match played here is kept: its result, its players’ figures and a replay of every piece. Watch the
        matches being played, replay the best of them, and see who leads the boards. No account is needed to look
        around; one keeps your games.
      </p>
      <p className="actions">
        <Link className="button primary" to="/play">
          Play a game
        </Link>
        <Link className="button" to="/register">
          Create an account
        </Link>
      </p>
      <h2>Being played now</h2>
      <LiveMatches />
      <h2>Leaderboards</h2>
      <div className="stat-cards">
        <div className="card">
          <TopFive kind="multiplayer" />
        </div>
        <div className="card">
          <TopFive kind="solo" />
        </div>
      </div>
      <p>
        <Link to="/leaderboards">All the leaderboards</Link> · <Link to="/tournaments">Tournaments</Link>
      </p>
    </section>
  );
}
