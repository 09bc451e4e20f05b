// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { match } from '../../test/fixtures';
import { server, withMockServer } from '../../test/server';
import { prefetchFirstPage } from './prefetch';
import { useHistory } from './useHistory';

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

describe('prefetchFirstPage', () => {
  it('serves the first page to useHistory, which does not ask again', async () => {
    const asked = serveMatches();
    prefetchFirstPage(ALL);
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
