// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import { delay, http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { renderAt } from '../../test/render';
import { server, withMockServer } from '../../test/server';
import { match } from '../../test/fixtures';
import { standings } from './fixtures';
import { TournamentPage } from './TournamentPage';

withMockServer();

// The tournament's matches (below its standings): none, unless a test says otherwise.
const noMatches = () => HttpResponse.json({ next: null, previous: null, results: [] });
beforeEach(() => server.use(http.get('*/api/tournaments/:id/matches', noMatches)));

const open = (id = 'cup') => renderAt('/tournaments/:id', <TournamentPage />, `/tournaments/${id}`);

describe('the tournament page', () => {
  it('shows the standings in rank order with when they were refreshed, guests by player id', async () => {
    server.use(http.get('*/api/tournaments/cup/standings', () => HttpResponse.json(standings)));
    open();
    const table = await screen.findByRole('table', { name: 'Standings' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(within(rows[0] as HTMLElement).getByRole('link', { name: 'alice' })).toHaveAttribute('href', '/players/u-1');
    expect(rows[1]).toHaveTextContent('guest-7');
    expect(within(rows[1] as HTMLElement).queryByRole('link')).toBeNull();
    expect(screen.getByText(/^Standings as of /)).toBeInTheDocument();
  });

  it('lists the tournament’s matches under the standings', async () => {
    server.use(
      http.get('*/api/tournaments/cup/standings', () => HttpResponse.json(standings)),
      http.get('*/api/tournaments/cup/matches', () =>
        HttpResponse.json({ next: null, previous: null, results: [match('m-1', { tournament_id: 'cup' })] }),
      ),
    );
    open();
    const table = await screen.findByRole('table', { name: 'The tournament’s matches, newest first' });
    expect(within(table).getAllByRole('link')[0]).toHaveAttribute('href', '/matches/m-1');
  });

  it('says when the standings were never computed', async () => {
    server.use(
      http.get('*/api/tournaments/cup/standings', () => HttpResponse.json({ ...standings, refreshed_at: null, standings: [] })),
    );
    open();
    expect(await screen.findByText(/have not been computed yet/)).toBeInTheDocument();
    expect(screen.getByText('No results in the standings yet.')).toBeInTheDocument();
  });

  it('explains a tournament with no match', async () => {
    server.use(http.get('*/api/tournaments/nope/standings', () => HttpResponse.json({ detail: 'x' }, { status: 404 })));
    open('nope');
    expect(await screen.findByRole('alert')).toHaveTextContent('No match has been played in this tournament');
  });

  // Last: its request stays pending until the mock server closes.
  it('says it is loading', () => {
    server.use(http.get('*/api/tournaments/cup/standings', async () => {
      await delay('infinite');
    }));
    open();
    expect(screen.getByRole('status')).toHaveTextContent('Loading the standings');
  });
});
