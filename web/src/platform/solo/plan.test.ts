// The browser tests' scripted games (e2e/solo/plan.ts), fed through the page's own input path the
// way tests/browser feeds the page under a paused clock: a piece's taps in one frame, a held soft
// drop over frames of the given length. Here the figures are checked; there, the page must agree.
import { describe, expect, it } from 'vitest';
import { planToppingOut, planTSpinDouble, type Stroke } from '../../../e2e/solo/plan';
import { isOver, type Game } from '../../game/engine';
import { DEFAULT_INPUT, type ControlEvent } from '../../game/input';
import { newSession, runFrame, type Session } from '../../game/simulation';
import { CONTROL_KEYS } from './keys';

const FRAME_MS = 17;
const PIECE_MS = 100; // as e2e/solo/browser.mjs gives each piece

function playStrokes(seed: number, pieces: readonly Stroke[][]): Game[] {
  let session: Session = newSession(seed);
  const after: Game[] = [];
  const frame = (ms: number, events: ControlEvent[]) => {
    session = runFrame(session, ms, events, DEFAULT_INPUT);
  };
  for (const strokes of pieces) {
    let events: ControlEvent[] = [];
    for (const stroke of strokes) {
      if ('tap' in stroke) {
        const control = CONTROL_KEYS[stroke.tap];
        if (control === undefined) throw new Error(`no control for ${stroke.tap}`);
        events.push({ control, down: true }, { control, down: false });
      } else {
        frame(FRAME_MS, events);
        events = [];
        frame(FRAME_MS, [{ control: 'soft_drop', down: true }]);
        for (let held = FRAME_MS; held < stroke.softDropMs; held += FRAME_MS) frame(FRAME_MS, []);
        events.push({ control: 'soft_drop', down: false });
      }
    }
    frame(PIECE_MS, events);
    after.push(session.game);
  }
  return after;
}

const figures = (game: Game) => ({ score: game.score, lines: game.lines, level: game.level, pieces: game.pieces });

describe('scripted games for the browser tests', () => {
  it('clear at least ten lines, then top out, as the page plays them', () => {
    const plan = planToppingOut(11, 12);
    const games = playStrokes(11, plan.pieces);
    const last = games[games.length - 1] as Game;
    expect(isOver(last)).toBe(true);
    expect(figures(last)).toEqual(figures(plan.final));
    expect(last.lines).toBeGreaterThanOrEqual(10);
    // A result the API accepts (docs/api.md).
    expect(10 * last.lines).toBeLessThanOrEqual(4 * last.pieces);
    expect(last.score).toBeLessThanOrEqual(100 * last.pieces + 2000 * last.level * last.lines);
    expect(last.pieces / (last.elapsedMs / 1000)).toBeLessThanOrEqual(30);
  });

  it('set up a T-spin double that scores 1200 a level plus the soft drop', () => {
    const plan = planTSpinDouble(2, 6);
    expect(plan).not.toBeNull();
    if (plan === null) return;
    const games = playStrokes(2, plan.pieces);
    const last = games[games.length - 1] as Game;
    const before = games[games.length - 2] as Game;
    expect(last.last?.spin).toBe('full');
    expect(last.last?.clearedRows).toHaveLength(2);
    expect(figures(last)).toEqual(figures(plan.after));
    expect(figures(before)).toEqual(figures(plan.before));
    // 1200 a level for the spin, plus a point a row of soft drop (the hard drop moves it no more).
    const points = last.score - before.score;
    expect(points).toBeGreaterThanOrEqual(1200 * before.level);
    expect(points).toBeLessThanOrEqual(1200 * before.level + 20);
  }, 60_000);
});
