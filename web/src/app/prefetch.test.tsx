// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { earlyRequests } from './earlyRequests';
import { firstPageUrl } from '../platform/history/api';
import { useHistory } from '../platform/history/useHistory';
import { useMatch } from '../platform/matches/api';
import { useReplay } from '../platform/replay/api';
import { match } from '../test/fixtures';
import { server, withMockServer } from '../test/server';
import { prefetch } from '../lib/prefetch';

withMockServer();

function wrapper({ children }: { children: ReactNode }) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

const ALL = { mode: '', since: '', until: '' };

/** Answers GET /api/matches with one match named after the mode, failing the first `failures` asks. */
function serveMatches(failures = 0): URLSearchParams[] {
  const asked: URLSearchParams[] = [];
  server.use(
    http.get('*/api/matches', ({ request }) => {
      const params = new URL(request.url).searchParams;
      asked.push(params);
      if (asked.length <= failures) return HttpResponse.json({ detail: 'boom' }, { status: 500 });
      return HttpResponse.json({ next: null, previous: null, results: [match(`m-${params.get('mode') || 'all'}`)] });
    }),
  );
  return asked;
}

const prefetchFirstPage = (filters: typeof ALL) => prefetch([firstPageUrl(filters, 20)]);

describe('prefetch of the first history page', () => {
  it('serves the first page to useHistory, which does not ask again', async () => {
    const asked = serveMatches();
    prefetchFirstPage(ALL);
    await waitFor(() => expect(asked).toHaveLength(1)); // on the wire before the page mounts
    const { result } = renderHook(() => useHistory(ALL), { wrapper });
    await waitFor(() => expect(result.current.matches).toHaveLength(1));
    expect(result.current.matches[0]?.id).toBe('m-all');
    expect(asked).toHaveLength(1);
    expect(asked[0]?.get('page_size')).toBe('20');
  });

  it('falls back to a request of its own when the prefetch failed', async () => {
    const asked = serveMatches(1);
    prefetchFirstPage(ALL);
    const { result } = renderHook(() => useHistory(ALL), { wrapper });
    await waitFor(() => expect(result.current.matches).toHaveLength(1));
    expect(result.current.error).toBeNull();
    expect(asked).toHaveLength(2);
  });

  it('is not used for other filters, nor twice', async () => {
    const asked = serveMatches();
    prefetchFirstPage({ ...ALL, mode: 'solo' });
    const { result } = renderHook(() => useHistory(ALL), { wrapper });
    await waitFor(() => expect(result.current.matches).toHaveLength(1));
    expect(result.current.matches[0]?.id).toBe('m-all');
    expect(asked.map((params) => params.get('mode'))).toEqual(['solo', null]);

    // The load's prefetch is spent: a later visit with its filters asks afresh.
    const later = renderHook(() => useHistory({ ...ALL, mode: 'solo' }), { wrapper });
    await waitFor(() => expect(later.result.current.matches).toHaveLength(1));
    expect(asked.map((params) => params.get('mode'))).toEqual(['solo', null, 'solo']);
  });
});

describe('prefetch of a replay and its match', () => {
  it('serves both to the replay page, which asks for neither again', async () => {
    const asked: string[] = [];
    server.use(
      http.get('*/api/matches/m-1/replay', ({ request }) => {
        asked.push(new URL(request.url).pathname);
        return HttpResponse.json({ match_id: 'm-1', room_id: 'room-1', started_at: '2026-11-30T12:00:00Z', events: [], moments: [] });
      }),
      http.get('*/api/matches/m-1', ({ request }) => {
        asked.push(new URL(request.url).pathname);
        return HttpResponse.json(match('m-1'));
      }),
    );
    prefetch(earlyRequests('/matches/m-1/replay', ''));
    await waitFor(() => expect(asked).toHaveLength(2)); // on the wire before the page mounts
    const { result } = renderHook(() => ({ replay: useReplay('m-1'), match: useMatch('m-1') }), { wrapper });
    await waitFor(() => expect(result.current.replay.data && result.current.match.data).toBeTruthy());
    expect(result.current.replay.data?.room_id).toBe('room-1');
    expect(result.current.match.data?.id).toBe('m-1');
    expect(asked.sort()).toEqual(['/api/matches/m-1', '/api/matches/m-1/replay']);
  });
});
