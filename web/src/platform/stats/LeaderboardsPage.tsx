import type { UseQueryResult } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PlayerLink } from '../../components/PlayerLink';
import { formatNumber, formatWhen, raceTime } from '../../lib/format';
import {
  isPeriod,
  isSoloBoardMode,
  PERIODS,
  SOLO_BOARDS,
  type Period,
  type SoloBoardMode,
  useMultiplayerLeaderboard,
  useSoloLeaderboard,
} from './api';

/** A board's loading, error and empty states; null once there are rows to show. */
function boardState(query: UseQueryResult<{ results: unknown[] }>, kind: string, empty: string) {
  if (query.isPending) return <p role="status">Loading the {kind} leaderboard…</p>;
  if (query.error) return <ErrorMessage error={query.error} what="leaderboard" onRetry={() => void query.refetch()} />;
  if (query.data.results.length === 0) return <p>{empty}</p>;
  return null;
}

function SoloBoard({ period, mode }: { period: Period; mode: SoloBoardMode }) {
  const query = useSoloLeaderboard(period, mode);
  const board = SOLO_BOARDS.find((b) => b.value === mode) ?? SOLO_BOARDS[0];
  const state = boardState(query, board.label, `No verified ${board.label.toLowerCase()} runs in this period yet.`);
  if (state || !query.data) return state;
  const timed = mode === 'sprint';
  return (
    <div className="table-scroll">
      <table className="table">
        <caption>{board.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Rank</th>
            <th scope="col">Player</th>
            <th scope="col">{timed ? 'Time' : 'Best score'}</th>
            <th scope="col" className="optional">
              Achieved
            </th>
          </tr>
        </thead>
        <tbody>
          {query.data.results.map((row) => (
            <tr key={row.user_id}>
              <td>{row.rank}</td>
              <th scope="row">
                <PlayerLink player={{ ...row, player_id: row.user_id }} />
              </th>
              <td>
                <Link to={`/matches/${row.match_id}`}>
                  {timed ? raceTime(row.duration_ms) : formatNumber(row.best_score)}
                </Link>
              </td>
              <td className="optional">{formatWhen(row.achieved_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function MultiplayerBoard({ period }: { period: Period }) {
  const query = useMultiplayerLeaderboard(period);
  const state = boardState(query, 'multiplayer', 'No multiplayer matches in this period yet.');
  if (state || !query.data) return state;
  return (
    <div className="table-scroll">
      <table className="table">
        <caption>Multiplayer: most wins</caption>
        <thead>
          <tr>
            <th scope="col">Rank</th>
            <th scope="col">Player</th>
            <th scope="col">Wins</th>
            <th scope="col" className="optional">
              Matches
            </th>
            <th scope="col">Win rate</th>
            <th scope="col" className="optional">
              Average placement
            </th>
          </tr>
        </thead>
        <tbody>
          {query.data.results.map((row) => (
            <tr key={row.user_id}>
              <td>{row.rank}</td>
              <th scope="row">
                <PlayerLink player={{ ...row, player_id: row.user_id }} />
              </th>
              <td>{formatNumber(row.wins)}</td>
              <td className="optional">{formatNumber(row.matches)}</td>
              <td>{formatNumber(row.win_rate * 100, 2)} %</td>
              <td className="optional">{formatNumber(row.average_placement, 2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** /leaderboards?period=…&mode=…: the multiplayer board and a solo mode's (docs/api.md), kept in the URL. */
export function LeaderboardsPage() {
  const [params, setParams] = useSearchParams();
  const asked = params.get('period');
  const period: Period = isPeriod(asked) ? asked : 'all';
  const askedMode = params.get('mode');
  const mode: SoloBoardMode = isSoloBoardMode(askedMode) ? askedMode : 'marathon';
  const choose = (name: 'period' | 'mode', value: string, fallback: string) => {
    const next = new URLSearchParams(params);
    if (value === fallback) next.delete(name);
    else next.set(name, value);
    setParams(next, { replace: true });
  };
  return (
    <section>
      <h1>Leaderboards</h1>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Period
          <select
            name="period"
            value={period}
            onChange={(event) => choose('period', event.target.value, 'all')}
          >
            {PERIODS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Solo mode
          <select name="mode" value={mode} onChange={(event) => choose('mode', event.target.value, 'marathon')}>
            {SOLO_BOARDS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
      </form>
      <div className="board-columns">
        <div className="board-column">
          <MultiplayerBoard period={period} />
        </div>
        <div className="board-column">
          <SoloBoard period={period} mode={mode} />
        </div>
      </div>
    </section>
  );
}
