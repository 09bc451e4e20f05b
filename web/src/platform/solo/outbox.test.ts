import { describe, expect, it } from 'vitest';
import { newGame } from '../../game/engine';
import { afterOutcome, backoffMs, browserStore, due, keptResult, resultBody, statusText, upsert } from './outbox';

const body = { score: 1200, lines_cleared: 10, level: 2, pieces_placed: 40, duration_ms: 61000, ended_at: '2026-12-01T10:00:00.000Z' };

class MemoryStorage implements Storage {
  private items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

describe('a kept result', () => {
  it('is fixed at game over from the game: play time, not wall time', () => {
    const game = { ...newGame(1), score: 500, lines: 12, level: 2, pieces: 33, elapsedMs: 45678.4 };
    expect(resultBody(game, new Date('2026-12-01T10:00:00Z'))).toEqual({
      score: 500,
      lines_cleared: 12,
      level: 2,
      pieces_placed: 33,
      duration_ms: 45678,
      ended_at: '2026-12-01T10:00:00.000Z',
    });
  });

  it('carries its run, inputs as played, for the server to replay', () => {
    const replay = {
      engine: 'guideline-1',
      mode: 'sprint' as const,
      seed: 9,
      settings: { das_ms: 167, arr_ms: 33, soft_drop_factor: 20 },
      inputs: [[0, 'down', 'left'] as const, [40, 'up', 'left'] as const],
    };
    const body = resultBody(newGame(9), new Date('2026-12-01T10:00:00Z'), replay);
    expect(JSON.parse(keptResult(body, 'k').body).replay).toEqual({ ...replay, inputs: [[0, 'down', 'left'], [40, 'up', 'left']] });
  });

  it('keeps its bytes and key through every retry', () => {
    let result = keptResult(body, 'key-1');
    const bytes = result.body;
    result = afterOutcome(result, { kind: 'retry', retryAfterMs: null }, 1000);
    result = afterOutcome(result, { kind: 'retry', retryAfterMs: null }, 5000);
    expect(result.body).toBe(bytes);
    expect(result.key).toBe('key-1');
    expect(result.attempts).toBe(2);
  });

  it('backs off 1, 2, 4 ... seconds up to a minute, longer when the server says so', () => {
    expect([1, 2, 3, 4, 10].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 60000]);
    const once = afterOutcome(keptResult(body, 'k'), { kind: 'retry', retryAfterMs: null }, 10_000);
    expect(once.notBefore).toBe(11_000);
    expect(due([once], 10_999)).toEqual([]);
    expect(due([once], 11_000)).toEqual([once]);
    const told = afterOutcome(keptResult(body, 'k'), { kind: 'retry', retryAfterMs: 30_000 }, 0);
    expect(told.notBefore).toBe(30_000);
  });

  it('says what happened in the status words', () => {
    const pending = keptResult(body, 'k');
    expect(statusText(pending, false)).toBe('Sign in to save this result');
    expect(statusText(afterOutcome(pending, { kind: 'retry', retryAfterMs: null }, 0), true)).toBe(
      'Will be saved when back online',
    );
    expect(statusText(afterOutcome(pending, { kind: 'saved', matchId: 'm' }, 0), true)).toBe('Saved');
    expect(statusText(afterOutcome(pending, { kind: 'unauthorized' }, 0), false)).toBe('Sign in again to save this result');
    const refused = afterOutcome(pending, { kind: 'rejected', message: 'score: too high' }, 0);
    expect(statusText(refused, true)).toContain('score: too high');
    expect(due([refused], 1e12)).toEqual([]);
  });

  it('survives a reload in storage, and old saved results are dropped', () => {
    const storage = new MemoryStorage();
    const store = browserStore(storage);
    let results = upsert([], keptResult(body, 'first'));
    store.save(results);
    expect(browserStore(storage).load()).toEqual(results);
    for (let i = 0; i < 8; i += 1) {
      results = upsert(results, afterOutcome(keptResult(body, `saved-${i}`), { kind: 'saved', matchId: null }, 0));
    }
    expect(results.map((r) => r.key)).toEqual(['first', 'saved-3', 'saved-4', 'saved-5', 'saved-6', 'saved-7']);
    storage.setItem('tetris.solo.results', 'not json');
    expect(browserStore(storage).load()).toEqual([]);
  });
});
