/**
 * Finished solo games waiting to be recorded. A result is fixed at game over (its body serialised
 * once, its Idempotency-Key made once), kept in the browser's storage, and posted until the API
 * answers 200 or 201: the very same bytes and key every time, so a retry of a post whose answer was
 * lost is recorded once (docs/api.md). Pure: storage, clock and the post are passed in.
 */
import type { Game } from '../../game/engine';
import type { RecordedRun } from '../../game/run';

export type Outcome =
  | { readonly kind: 'saved'; readonly matchId: string | null }
  | { readonly kind: 'rejected'; readonly message: string }
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'retry'; readonly retryAfterMs: number | null };

/** Posts one result's body with its key; never throws (a network failure is a 'retry'). */
export type PostResult = (body: string, idempotencyKey: string) => Promise<Outcome>;

export type ResultState = 'pending' | 'needs_sign_in' | 'rejected' | 'saved';

export interface KeptResult {
  readonly key: string;
  /** The exact bytes posted, every time. */
  readonly body: string;
  readonly state: ResultState;
  readonly attempts: number;
  /** Epoch ms before which no retry is made. */
  readonly notBefore: number;
  readonly message: string | null;
  readonly matchId: string | null;
}

export interface SoloResultBody {
  readonly score: number;
  readonly lines_cleared: number;
  readonly level: number;
  readonly pieces_placed: number;
  readonly duration_ms: number;
  readonly ended_at: string;
  /** The run itself (docs/api.md): the server plays it again, and ranks only what it saw. */
  readonly replay?: RecordedRun;
}

/** The result of a finished game: `duration_ms` is play time, pauses excluded (engine time). */
export function resultBody(game: Game, endedAt: Date, replay?: RecordedRun): SoloResultBody {
  const body = {
    score: game.score,
    lines_cleared: game.lines,
    level: game.level,
    pieces_placed: game.pieces,
    duration_ms: Math.round(game.elapsedMs),
    ended_at: endedAt.toISOString(),
  };
  return replay ? { ...body, replay } : body;
}

export function keptResult(body: SoloResultBody, key: string): KeptResult {
  return { key, body: JSON.stringify(body), state: 'pending', attempts: 0, notBefore: 0, message: null, matchId: null };
}

export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 60_000;

/** 1 s, 2 s, 4 s ... up to a minute, after the given number of failed attempts. */
export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

/** The result after one post's outcome at time `now`. */
export function afterOutcome(result: KeptResult, outcome: Outcome, now: number): KeptResult {
  const attempts = result.attempts + 1;
  switch (outcome.kind) {
    case 'saved':
      return { ...result, attempts, state: 'saved', message: null, matchId: outcome.matchId };
    case 'rejected':
      return { ...result, attempts, state: 'rejected', message: outcome.message };
    case 'unauthorized':
      return { ...result, attempts, state: 'needs_sign_in', message: null };
    case 'retry':
      return {
        ...result,
        attempts,
        state: 'pending',
        notBefore: now + Math.max(backoffMs(attempts), outcome.retryAfterMs ?? 0),
        message: null,
      };
  }
}

/** What the status element says about a result (web/e2e/solo/browser.mjs waits for its 'Saved'). */
export function statusText(result: KeptResult, signedIn: boolean): string {
  switch (result.state) {
    case 'saved':
      return 'Saved';
    case 'rejected':
      return `Not saved: the server refused this result (${result.message ?? 'invalid'})`;
    case 'needs_sign_in':
      return signedIn ? 'Saving…' : 'Sign in again to save this result';
    case 'pending':
      if (!signedIn) {
        return 'Sign in to save this result';
      }
      return result.attempts === 0 ? 'Saving…' : 'Will be saved when back online';
  }
}

/** The kept results, in browser storage (results are not credentials; tokens never go there). */
export interface ResultStore {
  load(): KeptResult[];
  save(results: readonly KeptResult[]): void;
}

export const STORAGE_KEY = 'tetris.solo.results';

export function browserStore(storage: Storage): ResultStore {
  return {
    load() {
      try {
        const parsed: unknown = JSON.parse(storage.getItem(STORAGE_KEY) ?? '[]');
        return Array.isArray(parsed) ? (parsed as KeptResult[]) : [];
      } catch {
        return [];
      }
    },
    save(results) {
      storage.setItem(STORAGE_KEY, JSON.stringify(results));
    },
  };
}

/** Replace the result with the same key (or add it), and drop saved results beyond the newest few. */
export function upsert(results: readonly KeptResult[], result: KeptResult): KeptResult[] {
  const others = results.filter((r) => r.key !== result.key);
  const kept = [...others, result];
  const saved = kept.filter((r) => r.state === 'saved');
  const stale = new Set(saved.slice(0, Math.max(0, saved.length - 5)).map((r) => r.key));
  return kept.filter((r) => !stale.has(r.key));
}

/** Results that should be posted now: pending ones whose backoff is over, and, once signed in again, those a 401 stopped. */
export function due(results: readonly KeptResult[], now: number): KeptResult[] {
  return results.filter((r) => (r.state === 'pending' && r.notBefore <= now) || r.state === 'needs_sign_in');
}
