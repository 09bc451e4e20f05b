// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { renderAt } from '../../test/render';
import { server, withMockServer } from '../../test/server';
import { multiplayerBoard, soloBoard } from './fixtures';
import { LeaderboardsPage } from './LeaderboardsPage';

withMockServer();

/** Answers both boards and records the periods asked for. */
function serve(asked: string[] = []) {
  server.use(
    http.get('*/api/leaderboards/solo', ({ request }) => {
      const params = new URL(request.url).searchParams;
      asked.push(`solo:${params.get('period')}`);
      asked.push(`solo-mode:${params.get('mode')}`);
      return HttpResponse.json(soloBoard);
    }),
    http.get('*/api/leaderboards/multiplayer', ({ request }) => {
      asked.push(`multiplayer:${new URL(request.url).searchParams.get('period')}`);
      return HttpResponse.json(multiplayerBoard);
    }),
  );
  return asked;
}

const open = (path = '/leaderboards') => renderAt('/leaderboards', <LeaderboardsPage />, path);

describe('the leaderboards page', () => {
  it('shows both boards in rank order, each name linked to the player’s stats', async () => {
    serve();
    open();
    const solo = await screen.findByRole('table', { name: 'Solo marathon: best score' });
    const rows = within(solo).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getAllByRole('cell')[0]?.textContent)).toEqual(['1', '2']);
    expect(within(solo).getByRole('link', { name: 'bob' })).toHaveAttribute('href', '/players/u-2');
    const multiplayer = await screen.findByRole('table', { name: 'Multiplayer: most wins' });
    expect(within(multiplayer).getByRole('row', { name: /alice/ })).toHaveTextContent('37.50 %');
  });

  it('takes the period from the URL and keeps the choice there', async () => {
    const asked = serve();
    const router = open('/leaderboards?period=week');
    expect(await screen.findByRole('table', { name: 'Solo marathon: best score' })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Period' })).toHaveValue('week');
    expect(asked).toEqual(expect.arrayContaining(['solo:week', 'multiplayer:week']));
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Period' }), 'day');
    expect(router.state.location.search).toBe('?period=day');
    await screen.findByRole('table', { name: 'Solo marathon: best score' });
    expect(asked).toEqual(expect.arrayContaining(['solo:day', 'multiplayer:day']));
  });

  it('shows the sprint board by time when its mode is chosen, and keeps the mode in the URL', async () => {
    const asked = serve();
    const router = open('/leaderboards?period=week');
    await screen.findByRole('table', { name: 'Solo marathon: best score' });
    expect(asked).toContain('solo-mode:marathon');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Solo mode' }), 'sprint');
    expect(router.state.location.search).toBe('?period=week&mode=sprint');
    const sprint = await screen.findByRole('table', { name: '40-line sprint: fastest time' });
    expect(asked).toContain('solo-mode:sprint');
    expect(within(sprint).getByRole('row', { name: /alice/ })).toHaveTextContent('1:35.000');
  });

  it('reads an unknown period as all time', async () => {
    const asked = serve();
    open('/leaderboards?period=century');
    await screen.findByRole('table', { name: 'Solo marathon: best score' });
    expect(screen.getByRole('combobox', { name: 'Period' })).toHaveValue('all');
    expect(asked).toContain('solo:all');
  });

  it('has empty states', async () => {
    server.use(
      http.get('*/api/leaderboards/solo', () => HttpResponse.json({ period: 'day', results: [] })),
      http.get('*/api/leaderboards/multiplayer', () => HttpResponse.json({ period: 'day', results: [] })),
    );
    open('/leaderboards?period=day');
    expect(await screen.findByText('No verified marathon runs in this period yet.')).toBeInTheDocument();
    expect(screen.getByText('No multiplayer matches in this period yet.')).toBeInTheDocument();
  });

  // Last: its request stays pending until the mock server closes.
  it('says each board is loading, and explains a failed one beside the other', async () => {
    server.use(
      http.get('*/api/leaderboards/solo', async () => {
      await delay('infinite');
    }),
      http.get('*/api/leaderboards/multiplayer', () => HttpResponse.json({}, { status: 500 })),
    );
    open();
    expect(screen.getAllByRole('status').map((status) => status.textContent)).toContain('Loading the Marathon leaderboard…');
    expect(await screen.findByRole('alert')).toHaveTextContent('could not load this leaderboard');
  });
});
