import type { UseQueryResult } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PlayerLink } from '../../components/PlayerLink';
import { formatNumber, formatWhen } from '../../lib/format';
import { isPeriod, PERIODS, type Period, useMultiplayerLeaderboard, useSoloLeaderboard } from './api';

/** A board's loading, error and empty states; null once there are rows to show. */
function boardState(query: UseQueryResult<{ results: unknown[] }>, kind: string, empty: string) {
  if (query.isPending) return <p role="status">Loading the {kind} leaderboard…</p>;
  if (query.error) return <ErrorMessage error={query.error} what="leaderboard" onRetry={() => void query.refetch()} />;
  if (query.data.results.length === 0) return <p>{empty}</p>;
  return null;
}

function SoloBoard({ period }: { period: Period }) {
  const query = useSoloLeaderboard(period);
  const state = boardState(query, 'solo', 'No solo games in this period yet.');
  if (state || !query.data) return state;
  return (
    <div className="table-scroll">
      <table className="table">
        <caption>Solo: best score</caption>
        <thead>
          <tr>
            <th scope="col">Rank</th>
            <th scope="col">Player</th>
            <th scope="col">Best score</th>
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
              <td>{formatNumber(row.best_score)}</td>
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

/** /leaderboards?period=…: both boards of docs/api.md for one period, kept in the URL. */
export function LeaderboardsPage() {
  const [params, setParams] = useSearchParams();
  const asked = params.get('period');
  const period: Period = isPeriod(asked) ? asked : 'all';
  return (
    <section>
      <h1>Leaderboards</h1>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Period
          <select
            name="period"
            value={period}
            onChange={(event) => setParams(event.target.value === 'all' ? {} : { period: event.target.value }, { replace: true })}
          >
            {PERIODS.map((option) => (
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
          <SoloBoard period={period} />
        </div>
      </div>
    </section>
  );
}
