import { describe, expect, it } from 'vitest';
import { inputStep, NO_INPUT, type ControlEvent, type InputSettings, type InputState } from './input';

const SETTINGS: InputSettings = { dasMs: 167, arrMs: 33 };

/** Run `ms` in steps of `stepMs` with `events` in the first; return the moves made. */
function hold(state: InputState, events: ControlEvent[], ms: number, stepMs = 1, settings = SETTINGS) {
  let s = state;
  const actions: string[] = [];
  for (let t = 0; t < ms; t += stepMs) {
    const out = inputStep(s, t === 0 ? events : [], stepMs, settings);
    s = out.state;
    actions.push(...out.actions);
  }
  return { state: s, actions };
}

describe('DAS and ARR', () => {
  it('moves once on the press, then after 167 ms every 33 ms', () => {
    expect(hold(NO_INPUT, [{ control: 'left', down: true }], 166).actions).toEqual(['move_left']);
    expect(hold(NO_INPUT, [{ control: 'left', down: true }], 167).actions).toHaveLength(2);
    expect(hold(NO_INPUT, [{ control: 'left', down: true }], 199).actions).toHaveLength(2);
    expect(hold(NO_INPUT, [{ control: 'left', down: true }], 200).actions).toHaveLength(3);
    // 1 + 1 at DAS + one per ARR after it: (1000 - 167) / 33 = 25 more.
    expect(hold(NO_INPUT, [{ control: 'right', down: true }], 1000).actions).toHaveLength(27);
  });

  it('does not drift with a coarse step', () => {
    const fine = hold(NO_INPUT, [{ control: 'right', down: true }], 1000, 1).actions.length;
    const coarse = hold(NO_INPUT, [{ control: 'right', down: true }], 1000, 4).actions.length;
    expect(coarse).toBe(fine);
  });

  it('is configurable, ARR 0 going to the wall at once', () => {
    const quick = { dasMs: 100, arrMs: 0 };
    const moves = hold(NO_INPUT, [{ control: 'left', down: true }], 100, 1, quick).actions;
    expect(moves.length).toBeGreaterThanOrEqual(10);
  });

  it('stops on release and lets the newer side key win, handing back to the older one', () => {
    const both = hold(NO_INPUT, [{ control: 'left', down: true }, { control: 'right', down: true }], 10);
    expect(both.actions).toEqual(['move_left', 'move_right']);
    const back = hold(both.state, [{ control: 'right', down: false }], 300);
    expect(new Set(back.actions)).toEqual(new Set(['move_left']));
    const released = hold(back.state, [{ control: 'left', down: false }], 300);
    expect(released.actions).toEqual([]);
  });

  it('turns presses of the other keys into one action each and tracks soft drop while held', () => {
    const events: ControlEvent[] = [
      { control: 'rotate_cw', down: true },
      { control: 'hard_drop', down: true },
      { control: 'hold', down: true },
      { control: 'soft_drop', down: true },
      { control: 'rotate_cw', down: false },
    ];
    const out = inputStep(NO_INPUT, events, 4, SETTINGS);
    expect(out.actions).toEqual(['rotate_cw', 'hard_drop', 'hold']);
    expect(out.softDrop).toBe(true);
    expect(inputStep(out.state, [{ control: 'soft_drop', down: false }], 4, SETTINGS).softDrop).toBe(false);
  });
});
