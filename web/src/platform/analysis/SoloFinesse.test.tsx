// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { renderAt } from '../../test/render';
import { server, withMockServer } from '../../test/server';
import { useMatchAnalysis } from './api';
import { SoloFinesse } from './SoloFinesse';

withMockServer();

const answer = (player: Record<string, unknown>) =>
  HttpResponse.json({
    match_id: 's-1',
    rules_version: 2,
    computed_at: '2026-01-01T00:00:00Z',
    analysis: { rules_version: 2, tick_rate: 1000, start_tick: 0, knockouts: [], players: [{ player_id: 'u-1', ...player }] },
  });

function Answered() {
  return useMatchAnalysis('s-1', true).isSuccess ? <p>answered</p> : null;
}

describe('a verified solo run’s finesse', () => {
  it('tells its key presses, KPP and finesse faults, linking to the marks on the replay', async () => {
    server.use(http.get('*/api/matches/s-1/analysis', () => answer({ key_presses: 575, kpp: 4.02, finesse_judged: 143, finesse_faults: 77 })));
    renderAt('/matches/:id', <SoloFinesse matchId="s-1" />, '/matches/s-1');
    const section = await screen.findByRole('region', { name: 'Key presses and finesse' });
    expect(section).toHaveTextContent('575 key presses, 4.02 a piece. 77 finesse faults in 143 judged placements');
    expect(screen.getByRole('link', { name: 'marked on the replay’s timeline' })).toHaveAttribute('href', '/matches/s-1/replay');
  });

  it('shows nothing where no key presses are known', async () => {
    server.use(http.get('*/api/matches/s-1/analysis', () => answer({ key_presses: null, kpp: null, finesse_faults: null })));
    renderAt(
      '/matches/:id',
      <>
        <SoloFinesse matchId="s-1" />
        <Answered />
      </>,
      '/matches/s-1',
    );
    await screen.findByText('answered'); // the same query, so SoloFinesse has its answer too
    expect(screen.queryByRole('region', { name: 'Key presses and finesse' })).toBeNull();
  });
});
