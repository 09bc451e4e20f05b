/**
 * The replay board model, pure: an index built once from a replay's events, then
 * every position is a few binary searches, so playback never replays the whole match per frame.
 *
 * At position t (the room's own tick), a player's board is their last `piece_lock` with tick ≤ t,
 * full rows removed (empty before their first lock); score is that lock's, lines the sum of their
 * `line_clear` counts up to t.
 */
import type { GameEvent } from '../../api/types';

export const DEFAULT_TICK_RATE = 60;
const WIDTH = 10;

export interface Lock {
  tick: number;
  /** The board after the lock, full rows removed, empty rows above the stack left out. */
  rows: string[];
  score: number;
}

export interface PlayerTrack {
  playerId: string;
  locks: Lock[];
  /** The locks' ticks, ascending (searched at every frame). */
  lockTicks: number[];
  /** Ticks of the player's line clears and the running total of lines after each. */
  clearTicks: number[];
  linesAfter: number[];
  /** Ticks of effective holds and the piece held after each. */
  holdTicks: number[];
  held: string[];
  /** Ticks of garbage sent to the player and the running total of rows after each. */
  sentToTicks: number[];
  sentToAfter: number[];
  /** The player's elimination, when it came. */
  eliminatedAt: number | null;
  placement: number | null;
}

export interface MomentMark {
  tick: number;
  type: string;
  playerId: string | null;
}

export interface ReplayIndex {
  startTick: number;
  endTick: number;
  tickRate: number;
  players: PlayerTrack[];
  /** Every piece_lock tick of any player, ascending, without repeats. */
  lockTicks: number[];
  moments: MomentMark[];
}

export interface BoardView {
  playerId: string;
  rows: string[];
  score: number;
  lines: number;
  /** The held piece, null before the first hold. */
  hold: string | null;
  /** Rows sent to the player since their last placement: what rises at their next one (less what they cancel). */
  incoming: number;
  /** Their final placement once eliminated at or before this position; null while they play. */
  outPlacement: number | null;
}

const isFull = (row: string) => row.length >= WIDTH && !row.includes('.');
const isEmpty = (row: string) => !/[^.]/.test(row);

/** The board after a placement: full rows removed, rows above the highest filled one left out. */
export function withoutFullRows(board: readonly string[]): string[] {
  const rows = board.filter((row) => !isFull(row));
  while (rows.length > 0 && isEmpty(rows[rows.length - 1] ?? '')) rows.pop();
  return rows;
}

/** Index of the last element ≤ value in an ascending array, or -1. */
export function lastAtOrBefore(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] ?? Infinity) <= value) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

function asNumber(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export function buildReplayIndex(events: readonly GameEvent[], moments: readonly GameEvent[] = []): ReplayIndex {
  const tracks = new Map<string, PlayerTrack>();
  const track = (playerId: string) => {
    let found = tracks.get(playerId);
    if (!found) {
      found = {
        playerId,
        locks: [],
        lockTicks: [],
        clearTicks: [],
        linesAfter: [],
        holdTicks: [],
        held: [],
        sentToTicks: [],
        sentToAfter: [],
        eliminatedAt: null,
        placement: null,
      };
      tracks.set(playerId, found);
    }
    return found;
  };
  const start = events.find((event) => event.type === 'game_start');
  const config = (start?.data.config ?? {}) as Record<string, unknown>;
  const seated = Array.isArray(start?.data.players) ? (start.data.players as { player_id?: unknown }[]) : [];
  for (const seat of seated) if (typeof seat.player_id === 'string') track(seat.player_id);

  const lockTicks: number[] = [];
  const falling = new Map<string, string>(); // each player's piece in play, for what a hold keeps
  for (const event of events) {
    if (event.player_id === null) continue;
    if (event.type === 'piece_spawn' && typeof event.data.piece === 'string') {
      falling.set(event.player_id, event.data.piece);
    } else if (event.type === 'input' && event.data.action === 'hold' && event.data.ok !== false) {
      const piece = falling.get(event.player_id);
      const player = track(event.player_id);
      if (piece) {
        player.holdTicks.push(event.tick);
        player.held.push(piece);
      }
    } else if (event.type === 'garbage_sent' && typeof event.data.to === 'string') {
      const target = track(event.data.to);
      target.sentToTicks.push(event.tick);
      target.sentToAfter.push((target.sentToAfter[target.sentToAfter.length - 1] ?? 0) + asNumber(event.data.rows));
    } else if (event.type === 'elimination') {
      const player = track(event.player_id);
      player.eliminatedAt = event.tick;
      player.placement = asNumber(event.data.placement, 0) || null;
    }
    if (event.type === 'piece_lock') {
      const board = Array.isArray(event.data.board) ? (event.data.board as string[]) : [];
      const player = track(event.player_id);
      player.lockTicks.push(event.tick);
      player.locks.push({
        tick: event.tick,
        rows: withoutFullRows(board),
        score: asNumber(event.data.score),
      });
      if (lockTicks[lockTicks.length - 1] !== event.tick) lockTicks.push(event.tick);
    } else if (event.type === 'line_clear') {
      const player = track(event.player_id);
      player.clearTicks.push(event.tick);
      player.linesAfter.push((player.linesAfter[player.linesAfter.length - 1] ?? 0) + asNumber(event.data.count));
    }
  }
  const first = events[0]?.tick ?? 0;
  const last = events[events.length - 1]?.tick ?? first;
  return {
    startTick: start?.tick ?? first,
    endTick: Math.max(last, start?.tick ?? first),
    tickRate: asNumber(config.tick_rate, DEFAULT_TICK_RATE) || DEFAULT_TICK_RATE,
    players: [...tracks.values()],
    lockTicks,
    moments: moments
      .map((moment) => ({ tick: moment.tick, type: moment.type, playerId: moment.player_id }))
      .sort((a, b) => a.tick - b.tick),
  };
}

export function boardsAt(index: ReplayIndex, t: number): BoardView[] {
  return index.players.map((player) => {
    const lockAt = lastAtOrBefore(player.lockTicks, t);
    const lock = player.locks[lockAt];
    const clearAt = lastAtOrBefore(player.clearTicks, t);
    const sentAt = (tick: number) => player.sentToAfter[lastAtOrBefore(player.sentToTicks, tick)] ?? 0;
    const out = player.eliminatedAt !== null && player.eliminatedAt <= t;
    return {
      playerId: player.playerId,
      rows: lock?.rows ?? [],
      score: lock?.score ?? 0,
      lines: clearAt >= 0 ? (player.linesAfter[clearAt] ?? 0) : 0,
      hold: player.held[lastAtOrBefore(player.holdTicks, t)] ?? null,
      incoming: out ? 0 : sentAt(t) - (lock ? sentAt(lock.tick) : 0),
      outPlacement: out ? (player.placement ?? 0) : null,
    };
  });
}

/** The first tick in `ticks` after t, or the last before it; null when there is none. */
export function nextTick(ticks: readonly number[], t: number): number | null {
  const at = lastAtOrBefore(ticks, t);
  return ticks[at + 1] ?? null;
}

export function previousTick(ticks: readonly number[], t: number): number | null {
  const at = lastAtOrBefore(ticks, t - 1);
  return at >= 0 ? (ticks[at] ?? null) : null;
}

export function clampTick(index: ReplayIndex, t: number): number {
  return Math.min(index.endTick, Math.max(index.startTick, Math.round(t)));
}
