/**
 * The fixed-step simulation: whatever the display's frame rate, play advances in steps of STEP_MS,
 * each applying the step's key events through the DAS/ARR handler and then gravity and lock delay.
 * A frame hands over the real time it saw; the remainder is carried to the next frame, so the
 * game's speed never depends on the machine.
 */
import { act, advance, GUIDELINE_RULES, isOver, newGame, type ActionResult, type Game, type Rules } from './engine';
import { inputStep, NO_INPUT, type ControlEvent, type InputSettings, type InputState } from './input';

export const STEP_MS = 4;
/** A frame that took longer than this (a background tab) does not try to catch up beyond it. */
export const MAX_CATCH_UP_MS = 250;

export interface Session {
  readonly game: Game;
  readonly input: InputState;
  readonly carryMs: number;
}

export function newSession(seed: number, rules: Rules = GUIDELINE_RULES): Session {
  return { game: newGame(seed, rules), input: NO_INPUT, carryMs: 0 };
}

/** Told of each action a step performs (a replay's events come from it: runEvents.ts). */
export type ActionObserver = (before: Game, result: ActionResult, after: Game) => void;

/** One fixed step: `events` at its start, then STEP_MS of holding keys, gravity and lock delay. */
export function step(
  session: Session,
  events: readonly ControlEvent[],
  settings: InputSettings,
  onAction?: ActionObserver,
): Session {
  const { state, actions, softDrop } = inputStep(session.input, events, STEP_MS, settings);
  let game = session.game;
  for (const action of actions) {
    if (isOver(game)) {
      break;
    }
    const before = game;
    let result: ActionResult;
    [game, result] = act(game, action);
    onAction?.(before, result, game);
  }
  return { ...session, game: advance(game, STEP_MS, softDrop), input: state };
}

/**
 * Run the steps that `elapsedMs` of real time holds; events go into the first of them. Events are
 * only ever applied at the start of a step, at a whole step of game time, which is what a recorded
 * run says (run.ts): a frame too short for a step that brings keys takes its step early, and the
 * next frame's time pays for it (the carry goes below zero), so keys still take effect at once.
 */
export function runFrame(
  session: Session,
  elapsedMs: number,
  events: readonly ControlEvent[],
  settings: InputSettings,
): Session {
  let s: Session = session;
  let budget = s.carryMs + Math.min(elapsedMs, MAX_CATCH_UP_MS);
  let pending = events;
  while ((budget >= STEP_MS || pending.length > 0) && !isOver(s.game)) {
    s = step(s, pending, settings);
    pending = [];
    budget -= STEP_MS;
  }
  return { ...s, carryMs: isOver(s.game) ? 0 : budget };
}
