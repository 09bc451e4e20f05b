/**
 * A recorded solo run and its replay (docs/api.md): the mode, the seed, the settings and the
 * inputs as played give the game again, bit for bit. The browser records what its simulation
 * applied; the server's verifier (verifier.ts, run by Node) replays it with this very code.
 *
 * An input `[t, "down" | "up", key]` is applied at the start of the fixed step that holds game time
 * t (the step from floor(t / STEP_MS) * STEP_MS); the browser only ever applies keys at a step's
 * start, so what it records is exactly what it played.
 */
import { isOver, type Game } from './engine';
import { type Control, type ControlEvent, type InputState } from './input';
import { rulesFor, type Mode } from './modes';
import { newSession, step, STEP_MS, type ActionObserver, type Session } from './simulation';

/** The rules' version: a change to anything that moves a piece or a point needs a new one. */
export const ENGINE_VERSION = 'guideline-1';
export const MAX_INPUTS = 200_000;
export const MAX_RUN_MS = 2 * 60 * 60 * 1000;

export type InputRecord = readonly [number, 'down' | 'up', Control];

export interface RunSettings {
  readonly das_ms: number;
  readonly arr_ms: number;
  readonly soft_drop_factor: number;
}

export interface RecordedRun {
  readonly engine: string;
  readonly mode: Mode;
  readonly seed: number;
  readonly settings: RunSettings;
  readonly inputs: readonly InputRecord[];
}

export interface RunResult {
  readonly score: number;
  readonly lines_cleared: number;
  readonly level: number;
  readonly pieces_placed: number;
  readonly duration_ms: number;
  /** How the game ended; 'unfinished' when MAX_RUN_MS of play passed first. */
  readonly ended: 'top_out' | 'goal' | 'unfinished';
  /** Inputs timed after the game had ended (a recorded run has none). */
  readonly inputs_after_end: number;
}

export function resultOf(game: Game, inputsAfterEnd = 0): RunResult {
  return {
    score: game.score,
    lines_cleared: game.lines,
    level: game.level,
    pieces_placed: game.pieces,
    duration_ms: game.elapsedMs,
    ended: game.topOut !== null ? 'top_out' : game.finished ? 'goal' : 'unfinished',
    inputs_after_end: inputsAfterEnd,
  };
}

export function newRunSession(run: Pick<RecordedRun, 'mode' | 'seed' | 'settings'>): Session {
  return newSession(run.seed, rulesFor(run.mode, run.settings.soft_drop_factor));
}

/** Told of a replay's actions, and of every step with the session before and after it (runEvents.ts). */
export interface RunObserver {
  readonly onAction: ActionObserver;
  readonly onStep: (before: Session, after: Session) => void;
}

/** Play the run again; the result is the game's at its end (or after MAX_RUN_MS of play). */
export function replay(run: RecordedRun, observe?: RunObserver): RunResult {
  const settings = { dasMs: run.settings.das_ms, arrMs: run.settings.arr_ms };
  let session = newRunSession(run);
  let next = 0;
  const inputs = run.inputs;
  while (!isOver(session.game) && session.game.elapsedMs < MAX_RUN_MS) {
    const end = session.game.elapsedMs + STEP_MS;
    const events: ControlEvent[] = [];
    while (next < inputs.length && (inputs[next] as InputRecord)[0] < end) {
      const [, direction, control] = inputs[next] as InputRecord;
      events.push({ control, down: direction === 'down' });
      next += 1;
    }
    const before = session;
    session = step(session, events, settings, observe?.onAction);
    observe?.onStep(before, session);
  }
  // The browser records only what a step applied, so a recorded run has nothing left over.
  return resultOf(session.game, inputs.length - next);
}

/** The records of `events` applied at the step starting at game time `t`. */
export function records(t: number, events: readonly ControlEvent[]): InputRecord[] {
  return events.map(({ control, down }) => [t, down ? 'down' : 'up', control] as const);
}

/** Pausing lets go of every key: the releases that take `state` back to no keys held. */
export function releases(state: InputState): ControlEvent[] {
  const ups: ControlEvent[] = state.sides.map((side) => ({ control: side, down: false }));
  return state.softDrop ? [...ups, { control: 'soft_drop', down: false }] : ups;
}
