/**
 * A simulated player for the tests and benchmarks of verified runs (docs/api.md): human-like
 * key presses (taps, side keys held through DAS and across spawns, soft drops, holds, 180s, pauses)
 * at uneven display frames, played and recorded exactly as /play does (recorder.ts). Seeded: the
 * same seed gives the same run.
 */
import { isOver, type Action } from '../../src/game/engine';
import type { Control, ControlEvent, InputSettings } from '../../src/game/input';
import { MODES, type Mode } from '../../src/game/modes';
import { nextRandom } from '../../src/game/random';
import { newLiveRun, pauseLive, playFrame, type LiveRun } from '../../src/game/recorder';
import { ENGINE_VERSION, resultOf, type RecordedRun, type RunResult } from '../../src/game/run';
import { evaluate, placements } from './plan';

// Frame lengths of 240, 144, 120, 60 and 30 Hz displays, and a hiccup.
const FRAMES_MS = [4.17, 6.94, 8.33, 16.67, 16.67, 16.67, 33.33, 71.2];
const TAPS: readonly Control[] = ['rotate_cw', 'rotate_ccw', 'rotate_180', 'hold', 'hard_drop', 'hard_drop', 'hard_drop'];
const HELD: readonly Control[] = ['left', 'right', 'left', 'right', 'soft_drop'];
/** Past this much play the player only hard drops, so every run ends. */
const GIVE_UP_MS = 240_000;

class Dice {
  constructor(private state: number) {}
  next(): number {
    let r: number;
    [this.state, r] = nextRandom(this.state);
    return r;
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

export interface HumanRun {
  readonly run: RecordedRun;
  /** What the live game ended with. */
  readonly live: RunResult;
}

const CONTROL_OF: Record<Action, Control> = {
  move_left: 'left',
  move_right: 'right',
  rotate_cw: 'rotate_cw',
  rotate_ccw: 'rotate_ccw',
  rotate_180: 'rotate_180',
  soft_drop: 'soft_drop',
  hard_drop: 'hard_drop',
  hold: 'hold',
};

/** The keys of the placement that leaves the lowest, flattest stack (plan.ts's choice, simplified). */
function bestPlacement(live: LiveRun): Control[] {
  let best = -Infinity;
  let keys: Control[] = ['hard_drop'];
  for (const option of placements(live.session.game)) {
    const value = isOver(option.after) ? -1e9 : evaluate(live.session.game, option.after);
    if (value > best) {
      best = value;
      keys = option.actions.map((action) => CONTROL_OF[action]);
    }
  }
  return keys;
}

/**
 * A player who places every piece where it clears lines, tapping its keys one after another: the
 * sprints that reach 40 lines and the blitzes that last their 2 minutes.
 */
/** The pause after each key: a random 30-120 ms, or what `pace` says at the game's level. */
type Pace = (level: number, dice: Dice) => number;
const HUMAN_PACE: Pace = (_level, dice) => 30 + dice.int(90);

function skilledRun(dice: Dice, mode: Mode, gameSeed: number, pace: Pace = HUMAN_PACE): HumanRun {
  const settings: InputSettings = { dasMs: 167, arrMs: 33 };
  const runSettings = { das_ms: 167, arr_ms: 33, soft_drop_factor: 20 };
  const live = newLiveRun({ mode, seed: gameSeed, settings: runSettings });
  let planned: Control[] = [];
  let pieces = -1;
  let down: Control | null = null;
  let waitMs = 0;
  while (!isOver(live.session.game)) {
    const elapsed = dice.pick(FRAMES_MS.slice(0, 4));
    waitMs -= elapsed;
    const game = live.session.game;
    if (game.pieces !== pieces && down === null) {
      pieces = game.pieces;
      planned = bestPlacement(live);
    }
    const events: ControlEvent[] = [];
    if (down !== null) {
      events.push({ control: down, down: false });
      down = null;
      waitMs = pace(live.session.game.level, dice);
    } else if (planned.length && waitMs <= 0) {
      down = planned.shift() as Control;
      events.push({ control: down, down: true });
    }
    playFrame(live, elapsed, events, settings);
  }
  return { run: { engine: ENGINE_VERSION, mode, seed: gameSeed, settings: runSettings, inputs: live.inputs }, live: resultOf(live.session.game) };
}

export function humanRun(seed: number): HumanRun {
  const dice = new Dice(seed * 2654435761);
  if (seed % 40 === 0) {
    // Long games cost the test most: the skilled player plays the modes with an end of their own.
    return skilledRun(dice, dice.pick(['sprint', 'blitz'] as const), dice.int(2 ** 32));
  }
  const mode = dice.pick(MODES);
  const settings: InputSettings = { dasMs: dice.pick([0, 50, 100, 133, 167, 250]), arrMs: dice.pick([0, 0, 10, 33, 50]) };
  const softDropFactor = dice.pick([20, 20, 6, 40]);
  const runSettings = { das_ms: settings.dasMs, arr_ms: settings.arrMs, soft_drop_factor: softDropFactor };
  const gameSeed = dice.int(2 ** 32);
  const live = newLiveRun({ mode, seed: gameSeed, settings: runSettings });
  const ups: [number, Control][] = [];
  const held = new Set<Control>();
  let now = 0;
  let nextAt = 0;
  while (!isOver(live.session.game)) {
    const elapsed = dice.pick(FRAMES_MS);
    now += elapsed;
    const events: ControlEvent[] = [];
    for (let i = ups.length - 1; i >= 0; i -= 1) {
      const [at, control] = ups[i] as [number, Control];
      if (at <= now) {
        events.push({ control, down: false });
        held.delete(control);
        ups.splice(i, 1);
      }
    }
    const givingUp = live.session.game.elapsedMs > GIVE_UP_MS;
    if (now >= nextAt || givingUp) {
      const roll = dice.next();
      if (roll < 0.01 && !givingUp) {
        // A pause: keys are let go by the game; the player's fingers come up meanwhile.
        pauseLive(live);
        held.clear();
        ups.length = 0;
        nextAt = now + 300;
        continue;
      }
      const control = givingUp ? 'hard_drop' : roll < 0.6 ? dice.pick(TAPS) : dice.pick(HELD);
      const forMs = roll < 0.6 ? 20 + dice.int(100) : 50 + dice.int(700);
      if (!held.has(control)) {
        events.push({ control, down: true });
        held.add(control);
        ups.push([now + forMs, control]);
      }
      nextAt = now + 25 + dice.int(250);
    }
    playFrame(live, elapsed, events, settings);
  }
  return {
    run: { engine: ENGINE_VERSION, mode, seed: gameSeed, settings: runSettings, inputs: live.inputs },
    live: resultOf(live.session.game),
  };
}

/**
 * A long marathon for the benchmarks (about 10 minutes of play): the skilled player, unhurried at
 * the low levels, tapping faster as gravity speeds up, until the stack tops out.
 */
export function longMarathon(seed: number): HumanRun {
  const dice = new Dice(seed * 2654435761);
  return skilledRun(dice, 'marathon', dice.int(2 ** 32), (level, d) => Math.max(0, 1250 - 130 * level) + d.int(60));
}
