/** The figures beside the field while playing (docs/api.md): time, pieces, PPS, and a sprint's lines left. */
import { BLITZ_MS, SPRINT_LINES, type Mode } from '../../game/modes';

export function formatTime(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}.${Math.floor((ms % 1000) / 100)}`;
}

/** Pieces a second over the play so far, two decimals; none before the first second's tenth. */
export function pps(pieces: number, elapsedMs: number): string {
  return elapsedMs >= 100 ? (pieces / (elapsedMs / 1000)).toFixed(2) : '0.00';
}

export interface HudFigures {
  readonly score: number;
  readonly lines: number;
  readonly level: number;
  readonly pieces: number;
  readonly elapsedMs: number;
}

export function SoloHud({ mode, figures }: { readonly mode: Mode; readonly figures: HudFigures }) {
  const { score, lines, level, pieces, elapsedMs } = figures;
  return (
    <dl className="solo-figures">
      {mode === 'blitz' ? (
        <>
          <dt>Time left</dt>
          <dd aria-label="Time left">{formatTime(Math.max(0, BLITZ_MS - elapsedMs))}</dd>
        </>
      ) : (
        <>
          <dt>Time</dt>
          <dd aria-label="Time">{formatTime(elapsedMs)}</dd>
        </>
      )}
      {mode === 'sprint' && (
        <>
          <dt>Lines left</dt>
          <dd aria-label="Lines left">{Math.max(0, SPRINT_LINES - lines)}</dd>
        </>
      )}
      <dt>Score</dt>
      <dd aria-label="Score">{score}</dd>
      <dt>Lines</dt>
      <dd aria-label="Lines">{lines}</dd>
      <dt>Level</dt>
      <dd aria-label="Level">{level}</dd>
      <dt>Pieces</dt>
      <dd aria-label="Pieces">{pieces}</dd>
      <dt>PPS</dt>
      <dd aria-label="PPS">{pps(pieces, elapsedMs)}</dd>
    </dl>
  );
}
