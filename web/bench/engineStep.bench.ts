// Simulation step time of the solo engine (bench/solo_game.py runs it; never part of the tests).
// Seeded games are played through simulation.step() exactly as the page does, a step every
// STEP_MS of game time, with key events a player might send: a piece is turned, walked to a random
// column by tapping, sometimes soft dropped, then hard dropped. Every step's own time is recorded.
import { it } from 'vitest';
import { isOver } from '../src/game/engine';
import { DEFAULT_INPUT, type Control, type ControlEvent } from '../src/game/input';
import { nextRandom } from '../src/game/random';
import { newSession, step, STEP_MS, type Session } from '../src/game/simulation';

// Node's process, without Node's types in the web client's tsconfig.
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const STEPS = Number(env.SOLO_BENCH_STEPS ?? 200_000);
// 30 steps of 4 ms between key batches: about 8 keys a second, a player's pace.
const KEY_GAP_STEPS = 30;

function tap(control: Control): ControlEvent[] {
  return [
    { control, down: true },
    { control, down: false },
  ];
}

it('measures the simulation step', () => {
  let rng = 12345;
  const random = (): number => {
    let r: number;
    [rng, r] = nextRandom(rng);
    return r;
  };
  let session: Session = newSession(1);
  let plan: ControlEvent[][] = [];
  let games = 1;
  const times = new Float64Array(STEPS);
  for (let i = 0; i < STEPS; i += 1) {
    if (isOver(session.game)) {
      session = newSession(++games);
      plan = [];
    }
    if (plan.length === 0) {
      // A new piece's plan: one batch of key events every KEY_GAP_STEPS steps.
      const turns = Math.floor(random() * 4);
      const side: Control = random() < 0.5 ? 'left' : 'right';
      const walk = Math.floor(random() * 5);
      plan = [
        ...Array.from({ length: turns }, () => tap('rotate_cw')),
        ...Array.from({ length: walk }, () => tap(side)),
        ...(random() < 0.3 ? [[{ control: 'soft_drop', down: true } as const]] : []),
        tap('hard_drop'),
        ...(random() < 0.3 ? [[{ control: 'soft_drop', down: false } as const]] : []),
      ].flatMap((events) => [events, ...Array.from({ length: KEY_GAP_STEPS - 1 }, () => [])]);
    }
    const events = plan.shift() ?? [];
    const started = performance.now();
    session = step(session, events, DEFAULT_INPUT);
    times[i] = performance.now() - started;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const result = {
    steps: STEPS,
    step_ms: STEP_MS,
    games,
    median_us: at(0.5) * 1000,
    p99_us: at(0.99) * 1000,
    max_us: at(1) * 1000,
  };
  console.log(`BENCH ${JSON.stringify(result)}`);
});
