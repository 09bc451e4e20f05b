// @vitest-environment jsdom
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { match } from '../../test/fixtures';
import { MatchHistory } from './MatchHistory';
import type { HistoryState } from './useHistory';

function state(overrides: Partial<HistoryState> = {}): HistoryState {
  return {
    matches: [],
    isLoading: false,
    error: null,
    hasMore: false,
    isLoadingMore: false,
    loadMore: vi.fn(),
    retry: vi.fn(),
    ...overrides,
  };
}

const show = (history: HistoryState) =>
  render(
    <MemoryRouter>
      <MatchHistory history={history} userId="u-1" />
    </MemoryRouter>,
  );

describe('MatchHistory', () => {
  it('shows one row per match with the caller’s placement and score, linked to the match', () => {
    show(state({ matches: [match('m-1'), match('m-2', { mode: 'solo', room_id: null, player_count: 1, solo_mode: 'sprint', verified: true })] }));
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    const first = within(rows[0] as HTMLElement);
    expect(first.getAllByRole('link')[0]).toHaveAttribute('href', '/matches/m-1');
    expect(first.getByText('1 of 2')).toBeInTheDocument();
    expect(first.getAllByRole('cell').at(-1)).toHaveTextContent('alice, guest-7');
    expect(within(rows[1] as HTMLElement).getByText('solo 40-line sprint')).toBeInTheDocument();
  });

  it('links each registered player’s name to their stats, and leaves a guest’s name plain', () => {
    show(state({ matches: [match('m-1')] }));
    expect(screen.getByRole('link', { name: 'alice' })).toHaveAttribute('href', '/players/u-1');
    expect(screen.queryByRole('link', { name: 'guest-7' })).toBeNull();
  });

  it('offers Load more while a next page exists', async () => {
    const loadMore = vi.fn();
    show(state({ matches: [match('m-1')], hasMore: true, loadMore }));
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(loadMore).toHaveBeenCalledOnce();
  });

  it('has no Load more on the last page', () => {
    show(state({ matches: [match('m-1')] }));
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('has an empty state', () => {
    show(state());
    expect(screen.getByText(/No matches here yet/)).toBeInTheDocument();
  });

  it('has an error state with a retry', async () => {
    const retry = vi.fn();
    show(state({ error: new Error('The server answered 500.'), retry }));
    expect(screen.getByRole('alert')).toHaveTextContent('could not be loaded');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(retry).toHaveBeenCalledOnce();
  });

  it('says it is loading', () => {
    show(state({ isLoading: true }));
    expect(screen.getByRole('status')).toHaveTextContent('Loading');
  });
});
