/**
 * The fixed-step simulation: whatever the display's frame rate, play advances in steps of STEP_MS,
 * each applying the step's key events through the DAS/ARR handler and then gravity and lock delay.
 * A frame hands over the real time it saw; the remainder is carried to the next frame, so the
 * game's speed never depends on the machine.
 */
import { act, advance, GUIDELINE_RULES, isOver, newGame, type Game, type Rules } from './engine';
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

/** One fixed step: `events` at its start, then STEP_MS of holding keys, gravity and lock delay. */
export function step(session: Session, events: readonly ControlEvent[], settings: InputSettings): Session {
  const { state, actions, softDrop } = inputStep(session.input, events, STEP_MS, settings);
  let game = session.game;
  for (const action of actions) {
    if (isOver(game)) {
      break;
    }
    [game] = act(game, action);
  }
  return { ...session, game: advance(game, STEP_MS, softDrop), input: state };
}

/** Run the steps that `elapsedMs` of real time holds; events go into the first of them. */
export function runFrame(
  session: Session,
  elapsedMs: number,
  events: readonly ControlEvent[],
  settings: InputSettings,
): Session {
  let s: Session = session;
  let budget = s.carryMs + Math.min(elapsedMs, MAX_CATCH_UP_MS);
  let pending = events;
  while (budget >= STEP_MS && !isOver(s.game)) {
    s = step(s, pending, settings);
    pending = [];
    budget -= STEP_MS;
  }
  if (pending.length && !isOver(s.game)) {
    // Keys pressed in a frame too short for a step still take effect at once.
    s = applyEventsNow(s, pending, settings);
  }
  return { ...s, carryMs: isOver(s.game) ? 0 : budget };
}

function applyEventsNow(session: Session, events: readonly ControlEvent[], settings: InputSettings): Session {
  const { state, actions } = inputStep(session.input, events, 0, settings);
  let game = session.game;
  for (const action of actions) {
    [game] = act(game, action);
  }
  return { ...session, game, input: state };
}
