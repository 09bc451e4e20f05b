// @vitest-environment jsdom
import { afterEach, expect, test, vi } from 'vitest';
import { apiFetch, currentUserId, refreshSession, resetSessionForTests, sessionState, signIn, subscribeSession } from './session';

afterEach(() => {
  vi.unstubAllGlobals();
  resetSessionForTests();
});

test("a page's request waiting on the reload's refresh leaves before the app re-renders for the session", async () => {
  const order: string[] = [];
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    const path = new URL(url).pathname;
    order.push(`fetch ${path}`);
    const body = path === '/api/auth/session/refresh' ? { access: 'token-1' } : { results: [] };
    expect(path === '/api/auth/session/refresh' || new Headers(init.headers).get('Authorization') === 'Bearer token-1').toBe(true);
    return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
  });
  // As React does for useSyncExternalStore: the listener only schedules a render, in a microtask.
  const unsubscribe = subscribeSession(() => queueMicrotask(() => order.push('render')));

  const refreshed = refreshSession();
  const page = apiFetch('/api/matches');
  await expect(refreshed).resolves.toBe(true);
  await expect(page).resolves.toEqual({ results: [] });
  unsubscribe();

  expect(order).toEqual(['fetch /api/auth/session/refresh', 'fetch /api/matches', 'render']);
});

/** A fetch stub answering the refresh route with a promise the test settles, anything else from `answers`. */
function stubApi(answers: Record<string, () => Response>) {
  const calls: string[] = [];
  let answerRefresh: (response: Response) => void = () => undefined;
  vi.stubGlobal('fetch', (url: string) => {
    const path = new URL(url).pathname;
    calls.push(path);
    if (path === '/api/auth/session/refresh') return new Promise<Response>((resolve) => (answerRefresh = resolve));
    const answer = answers[path];
    return Promise.resolve(answer ? answer() : new Response('{}', { status: 404 }));
  });
  return { calls, answerRefresh: (response: Response) => answerRefresh(response) };
}

const TOKEN = 'a.eyJ1c2VyX2lkIjo3fQ.s'; // user_id 7

test('a refresh refused after a sign-in does not sign the new player out', async () => {
  resetSessionForTests(null, 'signed-out');
  const api = stubApi({ '/api/auth/session': () => new Response(JSON.stringify({ access: TOKEN }), { status: 200 }) });
  const refreshed = refreshSession();
  await signIn('alice', 'a-long-passphrase-9');
  api.answerRefresh(new Response('{}', { status: 401 }));

  await expect(refreshed).resolves.toBe(true);
  expect(sessionState()).toBe('signed-in');
  expect(currentUserId()).toBe('7');
});

test('a request refused while signed out is not followed by a refresh', async () => {
  resetSessionForTests(null, 'signed-out');
  const api = stubApi({ '/api/matches': () => new Response('{"detail": "Sign in first."}', { status: 401 }) });

  await expect(apiFetch('/api/matches')).rejects.toMatchObject({ status: 401 });
  expect(api.calls).toEqual(['/api/matches']);
});

test('a token refused is refreshed once and the request sent again with the new one', async () => {
  resetSessionForTests('old-token', 'signed-in');
  const calls: string[] = [];
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    const path = new URL(url).pathname;
    calls.push(path);
    if (path === '/api/auth/session/refresh') return Promise.resolve(new Response(JSON.stringify({ access: TOKEN }), { status: 200 }));
    const fresh = new Headers(init.headers).get('Authorization') === `Bearer ${TOKEN}`;
    return Promise.resolve(new Response('{"results": []}', { status: fresh ? 200 : 401 }));
  });

  await expect(apiFetch('/api/matches')).resolves.toEqual({ results: [] });
  expect(calls).toEqual(['/api/matches', '/api/auth/session/refresh', '/api/matches']);
});
