// @vitest-environment jsdom
import { afterEach, expect, test, vi } from 'vitest';
import { apiFetch, refreshSession, resetSessionForTests, subscribeSession } from './session';

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
