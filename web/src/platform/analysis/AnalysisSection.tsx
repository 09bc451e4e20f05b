import { useMemo } from 'react';
import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatNumber, minutesSeconds, ordinal } from '../../lib/format';
import { useMatchAnalysis, type Analysis, type KnockOut, type TimelineSeries } from './api';
import { LineChart } from '../../components/LineChart';

const CHARTS: { series: TimelineSeries; title: string }[] = [
  { series: 'attack', title: 'Attack sent (rows, cumulative)' },
  { series: 'garbage_received', title: 'Garbage received (rows, cumulative)' },
  { series: 'stack_height', title: 'Stack height (rows)' },
  { series: 'pieces', title: 'Pieces placed (cumulative)' },
];


/** A knock-out in a sentence, with its evidence. */
export function knockOutSentence(ko: KnockOut, nameOf: (id: string) => string, tickRate: number, startTick: number): string {
  const who = nameOf(ko.player_id);
  const when = minutesSeconds(((ko.tick - startTick) * 1000) / tickRate);
  const place = ko.placement ? ` (${ordinal(ko.placement)})` : '';
  if (ko.kind === null) return `${who}${place} topped out at ${when} with no garbage in the last 10 s.`;
  const senders = ko.by.map((sender) => `${nameOf(sender.player_id)} ${sender.rows}`).join(', ');
  const how =
    ko.kind === 'spike'
      ? `a spike: ${ko.spike_rows} rows landed within 3 s`
      : `pressure: ${ko.rows} rows over the last 10 s, never 8 within 3 s`;
  return `${who}${place} was knocked out at ${when} by ${how} (rows by sender: ${senders}).`;
}

/** The match page's analysis: figures per player, timelines as charts, and each knock-out. */
export function AnalysisSection({ matchId, nameOf }: { matchId: string; nameOf: (id: string) => string }) {
  const query = useMatchAnalysis(matchId, true);
  if (query.isPending) return <p role="status">Loading the analysis…</p>;
  if (query.error) return <ErrorMessage error={query.error} what="analysis" onRetry={() => void query.refetch()} />;
  if (query.data === null) {
    return <p>The analysis of this match is not computed yet: it is, a few seconds after the match is archived.</p>;
  }
  return <AnalysisView matchId={matchId} analysis={query.data} nameOf={nameOf} />;
}

function AnalysisView({ matchId, analysis, nameOf }: { matchId: string; analysis: Analysis; nameOf: (id: string) => string }) {
  const charts = useMemo(
    () =>
      CHARTS.map(({ series, title }) => ({
        title,
        lines: analysis.players.map((player) => ({ label: nameOf(player.player_id), values: player.timeline[series] })),
      })),
    [analysis, nameOf],
  );
  return (
    <section aria-labelledby="analysis-heading" className="analysis">
      <h2 id="analysis-heading">Analysis</h2>
      <div className="table-scroll">
        <table className="table">
          <caption>Figures per player (VS = 100 × (attack + garbage cleared) / s)</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">VS</th>
              <th scope="col">APM</th>
              <th scope="col">PPS</th>
              <th scope="col">APP</th>
              <th scope="col">DS/S</th>
              <th scope="col">DS/P</th>
              <th scope="col">APL</th>
              <th scope="col">Holds</th>
              <th scope="col">T-spins</th>
              <th scope="col">Tetrises</th>
              <th scope="col">Best B2B</th>
              <th scope="col">Alive</th>
              <th scope="col">Out by</th>
            </tr>
          </thead>
          <tbody>
            {analysis.players.map((player) => (
              <tr key={player.player_id}>
                <th scope="row">{nameOf(player.player_id)}</th>
                <td>{formatNumber(player.vs, 2)}</td>
                <td>{formatNumber(player.apm, 1)}</td>
                <td>{formatNumber(player.pps, 2)}</td>
                <td>{formatNumber(player.app, 3)}</td>
                <td>{formatNumber(player.ds_s, 4)}</td>
                <td>{formatNumber(player.ds_p, 4)}</td>
                <td>{formatNumber(player.apl, 3)}</td>
                <td>{player.holds}</td>
                <td>{player.t_spins}</td>
                <td>{player.tetrises}</td>
                <td>{player.longest_back_to_back}</td>
                <td>{player.seconds_alive === null ? '–' : `${formatNumber(player.seconds_alive, 1)} s`}</td>
                <td>{player.eliminated_by ? nameOf(player.eliminated_by) : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="charts">
        {charts.map((chart) => (
          <LineChart key={chart.title} title={chart.title} lines={chart.lines} />
        ))}
      </div>
      <h3>Knock-outs</h3>
      {analysis.knockouts.length === 0 ? (
        <p>Nobody was knocked out.</p>
      ) : (
        <ul className="knockouts">
          {analysis.knockouts.map((ko) => (
            <li key={`${ko.player_id}-${ko.tick}`}>
              {knockOutSentence(ko, nameOf, analysis.tick_rate, analysis.start_tick ?? 0)}{' '}
              <Link to={`/matches/${matchId}/replay?t=${ko.tick}`}>Watch it</Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
