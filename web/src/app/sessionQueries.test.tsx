// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useHistory } from '../platform/history/useHistory';
import { match } from '../test/fixtures';
import { fakeToken, server, withMockServer } from '../test/server';
import { refreshSession, resetSessionForTests, signIn } from '../lib/session';
import { resetQueriesOnNewIdentity } from '../lib/sessionQueries';

withMockServer();

const ALL = { mode: '', since: '', until: '' };
let unsubscribe: () => void = () => undefined;
afterEach(() => unsubscribe());

/** The API as a signed-out page meets it: matches for a token only, no refresh cookie, sign-in as `userId`. */
function serve(userId: string): void {
  server.use(
    http.get('*/api/matches', ({ request }) => {
      const token = request.headers.get('Authorization');
      if (!token) return HttpResponse.json({ detail: 'not signed in' }, { status: 401 });
      return HttpResponse.json({ next: null, previous: null, results: [match(`m-of-${token.split('.')[1] ?? ''}`)] });
    }),
    http.post('*/api/auth/session/refresh', () => HttpResponse.json({ detail: 'no session' }, { status: 401 })),
    http.post('*/api/auth/session', () => HttpResponse.json({ access: fakeToken(userId) })),
  );
}

function historyWith(client: QueryClient) {
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  );
  return renderHook(() => useHistory(ALL), { wrapper });
}

describe('queries when the session changes hands', () => {
  it('a history refused while signed out is asked again once the player signs in', async () => {
    serve('7');
    resetSessionForTests(null, 'signed-out');
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    unsubscribe = resetQueriesOnNewIdentity(client);
    const { result } = historyWith(client);
    await waitFor(() => expect(result.current.error).not.toBeNull());

    await signIn('alice', 'a-long-passphrase-9');
    await waitFor(() => expect(result.current.matches).toHaveLength(1));
    expect(result.current.error).toBeNull();
  });

  it('another player signing in never sees the first one\'s answers', async () => {
    serve('8');
    resetSessionForTests(fakeToken('7'), 'signed-in');
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    unsubscribe = resetQueriesOnNewIdentity(client);
    const { result } = historyWith(client);
    await waitFor(() => expect(result.current.matches).toHaveLength(1));
    const first = result.current.matches[0]?.id;

    await signIn('bob', 'correct-horse-battery');
    await waitFor(() => expect(result.current.matches[0]?.id).not.toBe(first));
    expect(result.current.matches).toHaveLength(1);
  });

  it('the load settling its session resets nothing: the request sent after it is the only one', async () => {
    let asked = 0;
    server.use(
      http.get('*/api/matches', () => {
        asked += 1;
        return HttpResponse.json({ next: null, previous: null, results: [match('m-1')] });
      }),
      http.post('*/api/auth/session/refresh', () => HttpResponse.json({ access: fakeToken('7') })),
    );
    resetSessionForTests();
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    unsubscribe = resetQueriesOnNewIdentity(client);
    void refreshSession();
    const { result } = historyWith(client);
    await waitFor(() => expect(result.current.matches).toHaveLength(1));
    // A reset at the settle would have sent a second request before either answer came back.
    expect(asked).toBe(1);
  });
});
