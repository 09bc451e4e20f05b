// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { resetSessionForTests } from '../../lib/session';
import { match } from '../../test/fixtures';
import { fakeToken, server, withMockServer } from '../../test/server';
import { endOfLocalDay, startOfLocalDay } from './api';
import { useHistory } from './useHistory';

withMockServer();

function wrapper({ children }: { children: ReactNode }) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

const ALL = { mode: '', since: '', until: '' };

describe('useHistory', () => {
  it('reads cursor pages one after another, newest first', async () => {
    server.use(
      http.get('*/api/matches', ({ request }) => {
        const url = new URL(request.url);
        if (url.searchParams.get('cursor') === 'two') {
          return HttpResponse.json({ next: null, previous: null, results: [match('m-3')] });
        }
        return HttpResponse.json({
          next: 'http://testserver/api/matches?cursor=two&page_size=2',
          previous: null,
          results: [match('m-1'), match('m-2')],
        });
      }),
    );
    const { result } = renderHook(() => useHistory(ALL, 2), { wrapper });
    await waitFor(() => expect(result.current.isLoading).toBe(false));
    expect(result.current.matches.map((m) => m.id)).toEqual(['m-1', 'm-2']);
    expect(result.current.hasMore).toBe(true);
    act(() => result.current.loadMore());
    await waitFor(() => expect(result.current.matches).toHaveLength(3));
    expect(result.current.matches.map((m) => m.id)).toEqual(['m-1', 'm-2', 'm-3']);
    expect(result.current.hasMore).toBe(false);
  });

  it('sends the filters under the API names, whole local days', async () => {
    let seen: URLSearchParams | null = null;
    server.use(
      http.get('*/api/matches', ({ request }) => {
        seen = new URL(request.url).searchParams;
        return HttpResponse.json({ next: null, previous: null, results: [] });
      }),
    );
    const filters = { mode: 'solo', since: '2026-11-01', until: '2026-11-30' };
    const { result } = renderHook(() => useHistory(filters), { wrapper });
    await waitFor(() => expect(result.current.isLoading).toBe(false));
    expect(seen).not.toBeNull();
    const params = seen as unknown as URLSearchParams;
    expect(params.get('mode')).toBe('solo');
    expect(params.get('since')).toBe(startOfLocalDay('2026-11-01'));
    expect(params.get('until')).toBe(endOfLocalDay('2026-11-30'));
    expect(new Date(endOfLocalDay('2026-11-30')).getDate()).toBe(30);
    expect(result.current.matches).toEqual([]);
    expect(result.current.hasMore).toBe(false);
  });

  it('reports a server error', async () => {
    server.use(http.get('*/api/matches', () => HttpResponse.json({ detail: 'boom' }, { status: 500 })));
    const { result } = renderHook(() => useHistory(ALL), { wrapper });
    await waitFor(() => expect(result.current.error).not.toBeNull());
    expect(result.current.matches).toEqual([]);
  });

  it('refreshes an expired session once and retries', async () => {
    resetSessionForTests('expired', 'signed-in');
    let refreshes = 0;
    server.use(
      http.post('*/api/auth/session/refresh', () => {
        refreshes += 1;
        return HttpResponse.json({ access: fakeToken('u-1') });
      }),
      http.get('*/api/matches', ({ request }) =>
        request.headers.get('Authorization') === 'Bearer expired'
          ? HttpResponse.json({ detail: 'expired' }, { status: 401 })
          : HttpResponse.json({ next: null, previous: null, results: [match('m-1')] }),
      ),
    );
    const { result } = renderHook(() => useHistory(ALL), { wrapper });
    await waitFor(() => expect(result.current.matches).toHaveLength(1));
    expect(refreshes).toBe(1);
  });
});
