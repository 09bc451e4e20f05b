/** The end of a solo game (docs/api.md): how it ended in its mode, its figures, and whether it is saved. */
import type { ReactNode } from 'react';
import { SPRINT_LINES, type Mode } from '../../game/modes';
import { raceTime } from '../../lib/format';
import { formatTime, pps, type HudFigures } from './SoloHud';

export interface SummaryView extends HudFigures {
  /** The mode's goal was reached (a sprint's 40 lines, a blitz's 2 minutes). */
  readonly finished: boolean;
}

function headline(mode: Mode, view: SummaryView): string {
  if (mode === 'sprint') {
    // To the ms, as the sprint board shows it.
    return view.finished
      ? `Sprint: ${raceTime(view.elapsedMs)}`
      : `Sprint failed: topped out with ${Math.max(0, SPRINT_LINES - view.lines)} lines left`;
  }
  if (mode === 'blitz') {
    return view.finished ? "Time's up" : 'Blitz over: topped out';
  }
  return 'Game over';
}

export function SoloSummary(props: {
  readonly mode: Mode;
  readonly view: SummaryView;
  readonly status: string | null;
  readonly onRestart: () => void;
  readonly children?: ReactNode;
}) {
  const { mode, view, status, onRestart, children } = props;
  return (
    <div className="solo-overlay" role="group" aria-label="Game over">
      <h2>{headline(mode, view)}</h2>
      <dl className="solo-summary">
        <dt>Score</dt>
        <dd>{view.score}</dd>
        <dt>Lines</dt>
        <dd>{view.lines}</dd>
        <dt>Level</dt>
        <dd>{view.level}</dd>
        <dt>Pieces</dt>
        <dd>{view.pieces}</dd>
        <dt>PPS</dt>
        <dd>{pps(view.pieces, view.elapsedMs)}</dd>
        <dt>Time</dt>
        <dd>{formatTime(view.elapsedMs)}</dd>
      </dl>
      <p role="status">{status}</p>
      {children}
      <button type="button" onClick={onRestart}>
        Play again
      </button>
    </div>
  );
}
