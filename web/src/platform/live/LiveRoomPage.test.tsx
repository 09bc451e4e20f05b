// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { server, withMockServer } from '../../test/server';
import { LiveRoomPage } from './LiveRoomPage';

withMockServer();

beforeAll(() => {
  HTMLCanvasElement.prototype.getContext = (() => null) as unknown as HTMLCanvasElement['getContext'];
});

// The room's stream as it is once connected (jsdom has no EventSource): a match under way.
vi.mock('./useLiveRoom', () => ({
  useLiveRoom: () => ({
    state: 'live',
    matchId: null,
    moments: [],
    events: [
      { tick: 100, type: 'game_start', player_id: null, data: { players: [{ player_id: 'u-1' }, { player_id: 'guest-7' }], config: {} } },
      { tick: 160, type: 'piece_lock', player_id: 'u-1', data: { board: ['IIII......'], score: 10 } },
    ],
  }),
}));

describe('a live room', () => {
  it('waits for the players’ names: no board is ever labelled with a player id', async () => {
    let listAsked = false;
    let answerList = () => {};
    const listHeld = new Promise<void>((resolve) => (answerList = resolve));
    server.use(
      http.get('*/api/live/matches', async () => {
        listAsked = true;
        await listHeld;
        const players = [
          { player_id: 'u-1', username: 'alice' },
          { player_id: 'guest-7', username: null },
        ];
        return HttpResponse.json([
          { room_id: 'room-1', started_at: '2026-12-07T09:00:00Z', mode: 'multiplayer', tournament_id: null, players, tick: 160, last_event_at: '2026-12-07T09:00:01Z' },
        ]);
      }),
    );
    const router = createMemoryRouter([{ path: '/live/:roomId', element: <LiveRoomPage /> }], { initialEntries: ['/live/room-1'] });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <RouterProvider router={router} />
      </QueryClientProvider>,
    );
    await waitFor(() => expect(listAsked).toBe(true));
    expect(screen.queryByRole('img', { name: 'Board of u-1' })).toBeNull();
    expect(screen.getByRole('status')).toHaveTextContent('Connecting to the match…');
    answerList();
    expect(await screen.findByRole('img', { name: 'Board of alice' })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Board of guest-7' })).toBeInTheDocument();
  });
});
