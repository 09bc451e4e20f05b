import { useInfiniteQuery } from '@tanstack/react-query';
import type { Match } from '../../api/types';
import { fetchMatchPage, firstPageUrl, HISTORY_PAGE_SIZE, type HistoryFilters } from './api';

export interface HistoryState {
  matches: Match[];
  isLoading: boolean;
  error: Error | null;
  hasMore: boolean;
  isLoadingMore: boolean;
  loadMore: () => void;
  retry: () => void;
}

/** The caller's matches, newest first, a cursor page at a time (GET /api/matches). */
export function useHistory(filters: HistoryFilters, pageSize = HISTORY_PAGE_SIZE): HistoryState {
  const query = useInfiniteQuery({
    queryKey: ['matches', filters.mode, filters.since, filters.until, pageSize],
    queryFn: ({ pageParam }) => fetchMatchPage(pageParam),
    initialPageParam: firstPageUrl(filters, pageSize),
    getNextPageParam: (page) => page.next ?? undefined,
  });
  return {
    matches: query.data?.pages.flatMap((page) => page.results) ?? [],
    isLoading: query.isPending,
    error: query.error,
    hasMore: query.hasNextPage,
    isLoadingMore: query.isFetchingNextPage,
    loadMore: () => void query.fetchNextPage(),
    retry: () => void query.refetch(),
  };
}
