/**
 * A replayed run's events in the multiplayer format (docs/contract.md) for one player: the spawns,
 * inputs, locks and line clears the server's replay produced, each at its ms of game time as its
 * tick (the replay's tick rate is 1000). The server wraps them in game_start and game_end.
 */
import type { ActionResult, Game } from './engine';
import { ROTATIONS } from './pieces';
import { newRunSession, replay, type RecordedRun, type RunResult } from './run';

export interface RunEvent {
  readonly tick: number;
  readonly type: 'piece_spawn' | 'input' | 'piece_lock' | 'line_clear';
  readonly data: Record<string, unknown>;
}

export const RUN_TICK_RATE = 1000;

function spawnEvent(game: Game, tick: number): RunEvent | null {
  const a = game.active;
  if (a === null) {
    return null;
  }
  return { tick, type: 'piece_spawn', data: { piece: a.piece, x: a.x, y: a.y, rotation: ROTATIONS[a.state] ?? '0' } };
}

/** The events between two states of the game at `tick`: a lock, its clear, and a new piece. */
function changes(before: Game, after: Game, tick: number, out: RunEvent[]): void {
  const last = after.last;
  const locked = after.pieces > before.pieces && last !== null;
  if (locked) {
    out.push({
      tick,
      type: 'piece_lock',
      data: { piece: last.piece, rotation: last.rotation, cells: last.cells, board: last.board, score: after.score },
    });
    if (last.clearedRows.length) {
      out.push({ tick, type: 'line_clear', data: { rows: last.clearedRows, count: last.clearedRows.length } });
    }
  }
  const held = after.holdUsed && !before.holdUsed && !locked;
  if (locked || held) {
    const spawn = spawnEvent(after, tick);
    if (spawn) {
      out.push(spawn);
    }
  }
}

function inputEvent(result: ActionResult, tick: number): RunEvent {
  const data: Record<string, unknown> = { action: result.action, ok: result.ok };
  if (result.kick !== undefined) data.kick = result.kick;
  if (result.distance !== undefined) data.distance = result.distance;
  return { tick, type: 'input', data };
}

/** Replay `run`, keeping its events. */
export function runEvents(run: RecordedRun): { result: RunResult; events: RunEvent[] } {
  const events: RunEvent[] = [];
  const first = newRunSession(run).game;
  const spawn = spawnEvent(first, 0);
  if (spawn) {
    events.push(spawn);
  }
  let current = first;
  const result = replay(run, {
    onAction(before, action, after) {
      events.push(inputEvent(action, before.elapsedMs));
      changes(before, after, before.elapsedMs, events);
      current = after;
    },
    onStep(_before, after) {
      changes(current, after.game, after.game.elapsedMs, events);
      current = after.game;
    },
  });
  return { result, events };
}
