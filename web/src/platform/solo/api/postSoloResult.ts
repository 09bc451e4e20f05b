/**
 * POST /api/solo_results for the result sender: one attempt, its answer sorted into what the sender
 * does next. No answer (offline, refused, cut off), a 5xx or a 429: retry later. 200/201: saved.
 * 401, once the quiet refresh of apiFetch has failed too: the player must sign in again. Any other
 * refusal (400 for a result no game could produce, 409 for a key reused with another body) is shown
 * and never retried: the same bytes would be refused again.
 */
import { ApiError, apiFetch } from '../../../lib/session';
import type { Outcome, PostResult } from '../outbox';

export const SOLO_RESULTS_URL = '/api/solo_results';

export function describeRefusal(body: unknown): string {
  if (body && typeof body === 'object') {
    const parts = Object.entries(body as Record<string, unknown>).map(([field, errors]) => {
      const text = Array.isArray(errors) ? errors.join(' ') : String(errors);
      return field === 'detail' || field === 'non_field_errors' ? text : `${field}: ${text}`;
    });
    if (parts.length) {
      return parts.join('; ');
    }
  }
  return typeof body === 'string' && body ? body.slice(0, 200) : 'invalid result';
}

export const postSoloResult: PostResult = async (body, idempotencyKey): Promise<Outcome> => {
  try {
    const match = await apiFetch<{ id?: string } | null>(SOLO_RESULTS_URL, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
      body,
    });
    return { kind: 'saved', matchId: match?.id ?? null };
  } catch (error) {
    if (!(error instanceof ApiError)) {
      return { kind: 'retry', retryAfterMs: null };
    }
    if (error.status === 401) {
      return { kind: 'unauthorized' };
    }
    if (error.status === 429 || error.status >= 500) {
      return { kind: 'retry', retryAfterMs: null };
    }
    return { kind: 'rejected', message: describeRefusal(error.body) };
  }
};
