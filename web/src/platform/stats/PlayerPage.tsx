import { Link, useParams } from 'react-router';
import type { PlayerStats } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatNumber, formatPercent, formatPlayTime, formatWhen, raceTime } from '../../lib/format';
import { MatchTable } from '../public/MatchTable';
import { playerMatchesPath } from '../public/api';
import { usePlayerStats } from './api';
import { DailyCharts } from './DailyCharts';
import { useMyEvents } from '../live/useMyEvents';

type Figure = [label: string, value: string];

function multiplayerFigures(stats: PlayerStats['multiplayer']): Figure[] {
  return [
    ['Matches', formatNumber(stats.matches)],
    ['Wins', formatNumber(stats.wins)],
    ['Win rate', formatPercent(stats.win_rate)],
    ['Average placement', formatNumber(stats.average_placement, 2)],
    ['Best score', formatNumber(stats.best_score)],
    ['Total score', formatNumber(stats.total_score)],
    ['Lines cleared', formatNumber(stats.lines_cleared)],
    ['Garbage sent', formatNumber(stats.garbage_sent)],
    ['Garbage received', formatNumber(stats.garbage_received)],
    ['Pieces placed', formatNumber(stats.pieces_placed)],
    ['Play time', formatPlayTime(stats.play_time_ms)],
    ['PPS', formatNumber(stats.pps, 2)],
    ['APM', formatNumber(stats.apm, 1)],
    // Means over the analysed matches (docs/api.md, match analysis).
    ['Average VS', formatNumber(stats.vs, 2)],
    ['Average APP', formatNumber(stats.app, 3)],
    ['Average DS/S', formatNumber(stats.ds_s, 4)],
    ['Last played', stats.last_played_at ? formatWhen(stats.last_played_at) : '–'],
  ];
}

function soloFigures(stats: PlayerStats['solo']): Figure[] {
  return [
    ['Games', formatNumber(stats.matches)],
    ['Best score', formatNumber(stats.best_score)],
    ['Best level', formatNumber(stats.best_level)],
    ['Total score', formatNumber(stats.total_score)],
    ['Lines cleared', formatNumber(stats.lines_cleared)],
    ['Pieces placed', formatNumber(stats.pieces_placed)],
    ['Play time', formatPlayTime(stats.play_time_ms)],
    ['PPS', formatNumber(stats.pps, 2)],
    // Means over the analysed verified runs, the only ones whose key presses are known (docs/api.md).
    ['Average KPP', formatNumber(stats.kpp, 2)],
    ['Finesse faults per placement', formatPercent(stats.finesse_faults_per_piece)],
    ['Last played', stats.last_played_at ? formatWhen(stats.last_played_at) : '–'],
  ];
}

function FigureTable({ caption, figures, empty }: { caption: string; figures: Figure[]; empty: string | null }) {
  return (
    <div className="card">
      <h2>{caption}</h2>
      {empty ? (
        <p>{empty}</p>
      ) : (
        <table className="table figures">
          <caption className="visually-hidden">{caption}</caption>
          <tbody>
            {figures.map(([label, value]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td>{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Personal bests of verified runs by solo mode (docs/api.md), each linked to its match. */
function SoloBests({ bests }: { bests: PlayerStats['solo_bests'] }) {
  const rows = [
    { label: 'Marathon', best: bests.marathon, figure: bests.marathon && formatNumber(bests.marathon.score) },
    { label: '40-line sprint', best: bests.sprint, figure: bests.sprint && raceTime(bests.sprint.duration_ms) },
    { label: '2-minute blitz', best: bests.blitz, figure: bests.blitz && formatNumber(bests.blitz.score) },
  ];
  return (
    <div className="card">
      <h2>Personal bests</h2>
      <table className="table figures">
        <caption className="visually-hidden">Personal bests of verified solo runs</caption>
        <tbody>
          {rows.map(({ label, best, figure }) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td>{best ? <Link to={`/matches/${best.match_id}`}>{figure}</Link> : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** /players/{user_id}: a player's stats (docs/api.md, stats), multiplayer and solo apart. */
export function PlayerPage() {
  const { id = '' } = useParams();
  const query = usePlayerStats(id);
  useMyEvents(); // a match of the caller's recorded meanwhile updates the figures without a reload
  if (query.isPending) return <p role="status">Loading the player’s stats…</p>;
  if (query.error) {
    return (
      <ErrorMessage
        error={query.error}
        what="player"
        notFound="There is no such player: the link may be wrong, or the account was deleted."
        onRetry={() => void query.refetch()}
      />
    );
  }
  const stats = query.data;
  return (
    <section>
      <h1>{stats.username}</h1>
      <div className="stat-cards">
        <FigureTable
          caption="Multiplayer"
          figures={multiplayerFigures(stats.multiplayer)}
          empty={stats.multiplayer.matches === 0 ? 'No multiplayer matches yet.' : null}
        />
        <FigureTable
          caption="Solo"
          figures={soloFigures(stats.solo)}
          empty={stats.solo.matches === 0 ? 'No solo games yet.' : null}
        />
        <SoloBests bests={stats.solo_bests} />
      </div>
      {stats.multiplayer.matches > 0 && <DailyCharts userId={id} />}
      <h2>Recent matches</h2>
      <MatchTable
        firstPage={playerMatchesPath(id)}
        caption={`${stats.username}’s matches, newest first`}
        empty="No matches yet."
        what="player"
      />
    </section>
  );
}
