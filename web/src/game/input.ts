/**
 * Keyboard handling as a pure function of key events and time: DAS (delayed auto shift) and ARR
 * (auto repeat rate) for the side moves, soft drop while held, one action per press otherwise.
 *
 * The side keys follow "last pressed wins": holding both moves toward the newer one, and letting it
 * go hands over to the older one, which charges its DAS afresh. Repeats are counted from the
 * moment DAS was reached, so a coarse step does not make them drift.
 */
import { WIDTH } from './board';
import type { Action } from './engine';

export interface InputSettings {
  readonly dasMs: number;
  /** 0 moves the piece to the wall at once when DAS is reached. */
  readonly arrMs: number;
}

export const DEFAULT_INPUT: InputSettings = { dasMs: 167, arrMs: 33 };

export type Control =
  | 'left'
  | 'right'
  | 'soft_drop'
  | 'hard_drop'
  | 'rotate_cw'
  | 'rotate_ccw'
  | 'rotate_180'
  | 'hold';

export interface ControlEvent {
  readonly control: Control;
  readonly down: boolean;
}

export interface InputState {
  /** Side keys held, oldest first; the last one is the one that moves. */
  readonly sides: readonly ('left' | 'right')[];
  readonly chargeMs: number;
  readonly repeats: number;
  readonly softDrop: boolean;
}

export const NO_INPUT: InputState = { sides: [], chargeMs: 0, repeats: 0, softDrop: false };

const PRESS_ACTIONS: Partial<Record<Control, Action>> = {
  hard_drop: 'hard_drop',
  rotate_cw: 'rotate_cw',
  rotate_ccw: 'rotate_ccw',
  rotate_180: 'rotate_180',
  hold: 'hold',
};

function moveOf(side: 'left' | 'right'): Action {
  return side === 'left' ? 'move_left' : 'move_right';
}

export interface InputStep {
  readonly state: InputState;
  readonly actions: readonly Action[];
  readonly softDrop: boolean;
}

/** The actions of `events` (in order, at the start of the step) and of `ms` of holding keys. */
export function inputStep(
  state: InputState,
  events: readonly ControlEvent[],
  ms: number,
  settings: InputSettings,
): InputStep {
  const actions: Action[] = [];
  let { sides, chargeMs, repeats, softDrop } = state;
  for (const { control, down } of events) {
    if (control === 'left' || control === 'right') {
      const before = sides[sides.length - 1];
      sides = sides.filter((side) => side !== control);
      if (down) {
        sides = [...sides, control];
        actions.push(moveOf(control));
      }
      if (sides[sides.length - 1] !== before) {
        chargeMs = 0;
        repeats = 0;
      }
    } else if (control === 'soft_drop') {
      softDrop = down;
    } else if (down) {
      const action = PRESS_ACTIONS[control];
      if (action !== undefined) {
        actions.push(action);
      }
    }
  }
  const side = sides[sides.length - 1];
  if (side === undefined) {
    return { state: { sides, chargeMs: 0, repeats: 0, softDrop }, actions, softDrop };
  }
  chargeMs += ms;
  if (chargeMs >= settings.dasMs) {
    const due = settings.arrMs <= 0 ? WIDTH : Math.floor((chargeMs - settings.dasMs) / settings.arrMs) + 1;
    const moves = settings.arrMs <= 0 ? WIDTH : Math.min(due - repeats, WIDTH);
    for (let i = 0; i < moves; i += 1) {
      actions.push(moveOf(side));
    }
    repeats = due;
  }
  return { state: { sides, chargeMs, repeats, softDrop }, actions, softDrop };
}
