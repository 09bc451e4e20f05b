/**
 * The live game and its record (docs/api.md): the simulation driven by the display's frames,
 * with every key event written down at the game time its step applied it. /play uses it, and so
 * does the test's simulated player (humanRuns.ts), so what is tested is what the page records.
 */
import { isOver } from './engine';
import type { ControlEvent, InputSettings } from './input';
import { NO_INPUT } from './input';
import { newRunSession, records, releases, type InputRecord, type RecordedRun } from './run';
import { runFrame, type Session } from './simulation';

export interface LiveRun {
  session: Session;
  /** Appended in place: a long game's inputs are not copied at every key. */
  readonly inputs: InputRecord[];
}

export function newLiveRun(run: Pick<RecordedRun, 'mode' | 'seed' | 'settings'>): LiveRun {
  return { session: newRunSession(run), inputs: [] };
}

/** One display frame of `elapsedMs` with the key events since the last one. */
export function playFrame(live: LiveRun, elapsedMs: number, events: readonly ControlEvent[], settings: InputSettings): void {
  const before = live.session;
  if (isOver(before.game)) {
    return;
  }
  live.session = runFrame(before, elapsedMs, events, settings);
  // runFrame applies the frame's events at the start of its first step, at the time the game had.
  live.inputs.push(...records(before.game.elapsedMs, events));
}

/** A pause lets go of every key held, and the record says so (a replay has no pauses). */
export function pauseLive(live: LiveRun): void {
  const held = releases(live.session.input);
  if (!isOver(live.session.game)) {
    live.inputs.push(...records(live.session.game.elapsedMs, held));
  }
  live.session = { ...live.session, input: NO_INPUT, carryMs: 0 };
}
