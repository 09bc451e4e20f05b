/**
 * POST /api/solo_results for the outbox: one attempt, its answer sorted into what the outbox does
 * next. A network failure, a 5xx or a 429 is a retry; 200/201 saved; 401 (after one quiet refresh
 * of the access token) asks the player to sign in again; any other refusal is shown and kept.
 */
import type { Outcome, PostResult } from '../outbox';

export interface SoloAuth {
  /** The access token in memory, or null when signed out. */
  readonly accessToken: () => string | null;
  /** A fresh access token from the refresh cookie, or null when the session is over. */
  readonly refresh: () => Promise<string | null>;
}

export const SOLO_RESULTS_URL = '/api/solo_results';

function describeErrors(data: unknown): string {
  if (data && typeof data === 'object') {
    const parts = Object.entries(data as Record<string, unknown>).map(([field, errors]) => {
      const text = Array.isArray(errors) ? errors.join(' ') : String(errors);
      return field === 'detail' || field === 'non_field_errors' ? text : `${field}: ${text}`;
    });
    if (parts.length) {
      return parts.join('; ');
    }
  }
  return 'invalid result';
}

function retryAfterMs(response: Response): number | null {
  const header = response.headers.get('Retry-After');
  const seconds = header === null ? NaN : Number(header);
  return Number.isFinite(seconds) ? seconds * 1000 : null;
}

async function postOnce(body: string, key: string, token: string): Promise<Response> {
  return fetch(SOLO_RESULTS_URL, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key, Authorization: `Bearer ${token}` },
    body,
    credentials: 'same-origin',
  });
}

export function soloResultPoster(auth: SoloAuth): PostResult {
  return async (body, key): Promise<Outcome> => {
    try {
      let token = auth.accessToken() ?? (await auth.refresh());
      if (token === null) {
        return { kind: 'unauthorized' };
      }
      let response = await postOnce(body, key, token);
      if (response.status === 401) {
        token = await auth.refresh();
        if (token === null) {
          return { kind: 'unauthorized' };
        }
        response = await postOnce(body, key, token);
      }
      if (response.status === 200 || response.status === 201) {
        const match = (await response.json().catch(() => null)) as { id?: string } | null;
        return { kind: 'saved', matchId: match?.id ?? null };
      }
      if (response.status === 401) {
        return { kind: 'unauthorized' };
      }
      if (response.status === 429 || response.status >= 500) {
        return { kind: 'retry', retryAfterMs: retryAfterMs(response) };
      }
      return { kind: 'rejected', message: describeErrors(await response.json().catch(() => null)) };
    } catch {
      // fetch rejects when the request never got an answer: offline, refused, or cut off.
      return { kind: 'retry', retryAfterMs: null };
    }
  };
}
