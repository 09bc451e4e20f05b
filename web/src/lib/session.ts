/**
 * The signed-in session (docs/api.md, authentication): the access token lives in this module's memory
 * only, never in localStorage, sessionStorage or IndexedDB; the refresh token is an HttpOnly cookie
 * the page cannot read. After a reload the page asks the refresh route for a new access token.
 *
 * apiFetch adds the token and, on a 401, refreshes once and retries, so a session that expires
 * mid-use carries on without losing the page. The refresh route rotates its cookie (the old token
 * dies after one use), so every caller shares one refresh in flight.
 */

export type SessionState = 'unknown' | 'signed-in' | 'signed-out';

let accessToken: string | null = null;
let state: SessionState = 'unknown';
let refreshing: Promise<boolean> | null = null;
// Settles as soon as a refresh knows its answer, before the listeners re-render the app: the pages'
// requests waiting on it (apiFetch) are sent first, and React renders while they travel.
let refreshSettled: Promise<void> | null = null;
// Counts sign-ins and sign-outs: a refresh answered after one of them speaks of a session that is no
// longer the page's (a refusal sent before a sign-in would sign the new player out again).
let handovers = 0;
const listeners = new Set<() => void>();

function setSession(token: string | null): void {
  accessToken = token;
  state = token ? 'signed-in' : 'signed-out';
  listeners.forEach((listener) => listener());
}

export function sessionState(): SessionState {
  return state;
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A refusal from the API, with its body's field errors (`{field: [messages]}`) when it has them. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(status: number, body: unknown) {
    super(describeError(status, body));
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }

  /** The messages for one field, or the body's `detail` / `non_field_errors` under `'detail'`. */
  fieldErrors(field: string): string[] {
    if (typeof this.body !== 'object' || this.body === null) return [];
    const record = this.body as Record<string, unknown>;
    const keys = field === 'detail' ? ['detail', 'non_field_errors'] : [field];
    return keys.flatMap((key) => {
      const value = record[key];
      if (typeof value === 'string') return [value];
      if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
      return [];
    });
  }
}

function describeError(status: number, body: unknown): string {
  if (typeof body === 'object' && body !== null && typeof (body as { detail?: unknown }).detail === 'string') {
    return (body as { detail: string }).detail;
  }
  return `The server answered ${status}.`;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Same-origin URL of an API path (absolute, so it also works under Node's fetch in unit tests). */
export function apiUrl(path: string): string {
  return new URL(path, window.location.origin).toString();
}

async function sessionCall(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<Response> {
  return fetch(apiUrl(path), {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
}

/** Ask for a new access token with the refresh cookie; false when there is no live session. */
export function refreshSession(): Promise<boolean> {
  if (refreshing) return refreshing;
  let settle: () => void = () => undefined;
  refreshSettled = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const handoversAtStart = handovers;
  refreshing = (async () => {
    try {
      const response = await sessionCall('POST', '/api/auth/session/refresh');
      if (handovers !== handoversAtStart) return state === 'signed-in';
      if (!response.ok) {
        setSession(null);
        return false;
      }
      const { access } = (await response.json()) as { access: string };
      if (handovers !== handoversAtStart) return state === 'signed-in';
      accessToken = access;
      state = 'signed-in';
      settle();
      setSession(access);
      return true;
    } catch {
      // Unreachable server: the session is not known to be over; keep what we have.
      if (state === 'unknown' && handovers === handoversAtStart) setSession(null);
      return false;
    } finally {
      settle();
      refreshing = null;
      refreshSettled = null;
    }
  })();
  return refreshing;
}

export async function signIn(username: string, password: string): Promise<void> {
  const response = await sessionCall('POST', '/api/auth/session', { username, password });
  const body = await readBody(response);
  if (!response.ok) throw new ApiError(response.status, body);
  handovers += 1;
  setSession((body as { access: string }).access);
}

export async function signOut(): Promise<void> {
  try {
    await sessionCall('DELETE', '/api/auth/session');
  } finally {
    handovers += 1;
    setSession(null);
  }
}

/** A JSON call to the API as the signed-in player; throws ApiError on any answer but 2xx. */
export async function apiFetch<T>(path: string, init: RequestInit = {}): Promise<T> {
  // A page may ask while the session of a reload is still being refreshed: wait for its token
  // rather than be refused, and do not ask at all once it is known there is no session.
  if (refreshSettled) await refreshSettled;
  // Signed out, the request goes without a token: most reads are public (docs/api.md, public reads),
  // and a route that needs one answers 401 as before.
  let sentToken: string | null = null;
  let sentUnknown = false;
  const send = () => {
    const headers = new Headers(init.headers);
    headers.set('Accept', 'application/json');
    sentToken = accessToken;
    sentUnknown = state === 'unknown';
    if (sentToken) headers.set('Authorization', `Bearer ${sentToken}`);
    return fetch(apiUrl(path), { ...init, headers, credentials: 'same-origin' });
  };
  let response = await send();
  // A token refused is worth a refresh (it may have expired mid-use), and so is a request sent before
  // the session was known; one sent signed out was refused for having none, and a refresh for it
  // could be answered after a sign-in.
  if (response.status === 401 && (sentToken !== null || sentUnknown) && (await refreshSession())) {
    response = await send();
  }
  const body = await readBody(response);
  if (!response.ok) throw new ApiError(response.status, body);
  return body as T;
}

/** The Authorization header of a long-lived stream the caller reads with fetch (platform/live/sse.ts). */
export function authorizationHeader(): Record<string, string> {
  return accessToken ? { Authorization: `Bearer ${accessToken}` } : {};
}

/** The signed-in user's id, from the access token's claims (simplejwt's `user_id`). */
export function currentUserId(): string | null {
  const payload = accessToken?.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { user_id?: unknown };
    return claims.user_id === undefined ? null : String(claims.user_id);
  } catch {
    return null;
  }
}

/** Tests only: forget the session. */
export function resetSessionForTests(token: string | null = null, known: SessionState = 'unknown'): void {
  accessToken = token;
  state = known;
  handovers = 0;
  refreshing = null;
  refreshSettled = null;
}
