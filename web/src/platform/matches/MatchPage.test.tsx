// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { match } from '../../test/fixtures';
import { renderAt } from '../../test/render';
import { server, withMockServer } from '../../test/server';
import { MatchPage } from './MatchPage';

withMockServer();

describe('the match page', () => {
  it('links a registered player’s name to their stats and a tournament match to its standings', async () => {
    server.use(http.get('*/api/matches/m-1', () => HttpResponse.json(match('m-1', { tournament_id: 'spring cup' }))));
    renderAt('/matches/:id', <MatchPage />, '/matches/m-1');
    const players = await screen.findByRole('table', { name: 'Players by placement' });
    expect(within(players).getByRole('link', { name: 'alice' })).toHaveAttribute('href', '/players/u-1');
    expect(within(players).queryByRole('link', { name: 'guest-7' })).toBeNull();
    expect(screen.getByRole('link', { name: 'The tournament spring cup' })).toHaveAttribute(
      'href',
      '/tournaments/spring%20cup',
    );
  });

  it('has no standings link outside a tournament', async () => {
    server.use(http.get('*/api/matches/m-1', () => HttpResponse.json(match('m-1'))));
    renderAt('/matches/:id', <MatchPage />, '/matches/m-1');
    await screen.findByRole('table', { name: 'Players by placement' });
    expect(screen.queryByRole('link', { name: /Standings/ })).toBeNull();
  });
});
