// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { renderAt } from '../../test/render';
import { server, withMockServer } from '../../test/server';
import { VisitorHome } from './VisitorHome';

withMockServer();

const board = (kind: string, rows: object[]) =>
  http.get(`*/api/leaderboards/${kind}`, () => HttpResponse.json({ period: 'all', results: rows }));
const wins = (rank: number) => ({
  rank,
  user_id: `u-${rank}`,
  username: `p${rank}`,
  wins: 10 - rank,
  matches: 10,
  win_rate: 0.5,
  average_placement: 1.5,
});

describe('the home page for visitors', () => {
  it('says no match is being played while the live routes are not there, and shows the boards’ top five', async () => {
    server.use(
      http.get('*/api/live/matches', () => HttpResponse.json({ detail: 'Not found.' }, { status: 404 })),
      board('multiplayer', [1, 2, 3, 4, 5, 6].map(wins)),
      board('solo', []),
    );
    renderAt('/', <VisitorHome />, '/');
    expect(await screen.findByText('No match is being played right now.')).toBeInTheDocument();
    const top = await screen.findByRole('table', { name: 'Multiplayer: most wins' });
    expect(within(top).getAllByRole('row')).toHaveLength(5);
    expect(screen.getByText('No solo games yet.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Play a game' })).toHaveAttribute('href', '/play');
  });

  it('lists the matches being played', async () => {
    const live = [
      {
        room_id: 'room-7',
        started_at: '2026-12-06T20:00:00Z',
        mode: 'multiplayer',
        tournament_id: null,
        players: [
          { player_id: 'u-1', username: 'alice' },
          { player_id: 'guest-3', username: null },
        ],
        tick: 300,
        last_event_at: '2026-12-06T20:01:00Z',
      },
    ];
    server.use(http.get('*/api/live/matches', () => HttpResponse.json(live)), board('multiplayer', []), board('solo', []));
    renderAt('/', <VisitorHome />, '/');
    expect(await screen.findByRole('link', { name: 'room-7' })).toHaveAttribute('href', '/live/room-7');
    expect(screen.getByText(/alice, guest-3/)).toBeInTheDocument();
  });
});
