import { describe, expect, it } from 'vitest';
import { humanRun } from '../../e2e/solo/humanRuns';
import { replay } from './run';
import { runEvents } from './runEvents';

describe('a recorded run', () => {
  it('replays to what was played: 1,000 human-like runs at uneven frames, with pauses', () => {
    const endings = new Set<string>();
    const modes = new Set<string>();
    for (let seed = 1; seed <= 1000; seed += 1) {
      const { run, live } = humanRun(seed);
      expect(replay(run), `run ${seed}`).toEqual(live);
      endings.add(live.ended);
      modes.add(run.mode);
    }
    expect(modes).toEqual(new Set(['marathon', 'sprint', 'blitz']));
    expect(endings).toEqual(new Set(['top_out', 'goal']));
  }, 240_000); // seconds alone; over a minute beside the Python tests on two cores (seen in CI)

  it('is the same run for the same seed', () => {
    expect(humanRun(7)).toEqual(humanRun(7));
  });

  it('refuses nothing silently: an altered input changes the result', () => {
    const { run, live } = humanRun(3);
    const inputs = run.inputs.map((input, i) => (i === 5 ? ([input[0], 'down', 'hard_drop'] as const) : input));
    expect(replay({ ...run, inputs })).not.toEqual(live);
  });

  it('gives its events: a lock for every piece, the score of the last lock the result', () => {
    const { run, live } = humanRun(11);
    const { result, events } = runEvents(run);
    expect(result).toEqual(live);
    const locks = events.filter((event) => event.type === 'piece_lock');
    expect(locks).toHaveLength(live.pieces_placed);
    expect(locks.at(-1)?.data.score).toBe(live.score);
    const ticks = events.map((event) => event.tick);
    expect(ticks).toEqual([...ticks].sort((a, b) => a - b));
  });
});

describe('the modes', () => {
  // The simulated players' first sprint that reaches 40 lines (every 40th is the skilled one).
  const SPRINT = Array.from({ length: 25 }, (_, i) => humanRun(40 * (i + 1))).find(
    (r) => r.run.mode === 'sprint' && r.live.ended === 'goal',
  ) as ReturnType<typeof humanRun>;
  const settings = { das_ms: 167, arr_ms: 33, soft_drop_factor: 20 };
  it('ends a blitz at 2 minutes of play, not by topping out', () => {
    const result = replay({ engine: 'guideline-1', mode: 'blitz', seed: 4, settings, inputs: [] });
    expect(result).toMatchObject({ duration_ms: 120_000, ended: 'goal' });
  });

  it('ends a sprint at the lock that reaches 40 lines, its time that lock’s', () => {
    const sprint = SPRINT;
    expect(sprint.live).toMatchObject({ ended: 'goal' });
    expect(sprint.live.lines_cleared).toBeGreaterThanOrEqual(40);
    expect(sprint.live.lines_cleared).toBeLessThan(44);
    const { events } = runEvents(sprint.run);
    expect(events.at(-1)).toMatchObject({ type: 'line_clear', tick: sprint.live.duration_ms });
  });

  it('plays a marathon on past 40 lines: the same inputs do not end it there', () => {
    const marathon = replay({ ...SPRINT.run, mode: 'marathon' });
    expect(marathon.ended).toBe('top_out');
    expect(marathon.duration_ms).toBeGreaterThan(SPRINT.live.duration_ms);
    expect(marathon.pieces_placed).toBeGreaterThan(SPRINT.live.pieces_placed);
  });
});
