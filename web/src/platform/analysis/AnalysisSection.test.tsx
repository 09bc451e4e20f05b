// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { renderAt } from '../../test/render';
import { server, withMockServer } from '../../test/server';
import type { AnalysedPlayer, Analysis } from './api';
import { AnalysisSection } from './AnalysisSection';

withMockServer();
// jsdom has no canvas: the chart library is left out here (the browser tests draw the real charts).
vi.mock('uplot', () => ({
  default: class {
    destroy() {}
  },
}));
vi.stubGlobal(
  'ResizeObserver',
  class {
    observe() {}
    disconnect() {}
  },
);

function player(id: string, overrides: Partial<AnalysedPlayer> = {}): AnalysedPlayer {
  return {
    player_id: id, placement: 1, seconds_alive: 40, pieces: 20, lines: 6, attack: 12, garbage_cleared: 2,
    garbage_received: 1, apm: 18, pps: 0.5, vs: 35, app: 0.6, ds_s: 0.05, ds_p: 0.1, apl: 2, holds: 1, t_spins: 1,
    tetrises: 1, longest_back_to_back: 2, eliminated_at_tick: null, eliminated_by: null, kpp: null,
    finesse_faults: null, timeline: { attack: [0, 4, 12], garbage_received: [0, 1, 1], pieces: [0, 10, 20], stack_height: [0, 3, 2] },
    ...overrides,
  };
}  // prettier-ignore

const ANALYSIS: Analysis = {
  rules_version: 1,
  tick_rate: 60,
  start_tick: 0,
  players: [player('a'), player('c', { placement: 2, vs: 10, eliminated_by: 'b', eliminated_at_tick: 1200 })],
  knockouts: [
    { player_id: 'c', tick: 1200, placement: 2, rows: 9, spike_rows: 9, kind: 'spike', by: [{ player_id: 'b', rows: 5 }, { player_id: 'a', rows: 4 }] },
  ],
};  // prettier-ignore

const nameOf = (id: string) => ({ a: 'alice', b: 'bob', c: 'carol' })[id] ?? id;

describe('the match analysis', () => {
  it('shows the figures per player and each knock-out in a sentence linked to its tick', async () => {
    server.use(http.get('*/api/matches/m-1/analysis', () => HttpResponse.json({ match_id: 'm-1', rules_version: 1, computed_at: '2026-01-01T00:00:00Z', analysis: ANALYSIS })));
    renderAt('/matches/:id', <AnalysisSection matchId="m-1" nameOf={nameOf} />, '/matches/m-1');
    const table = await screen.findByRole('table', { name: /Figures per player/ });
    const carol = within(table).getByRole('row', { name: /carol/ });
    expect(within(carol).getByText('10.00')).toBeInTheDocument();
    expect(within(carol).getByText('bob')).toBeInTheDocument();
    const knockout = screen.getByText(/carol \(2nd\) was knocked out at 0:20 by a spike: 9 rows landed within 3 s/);
    expect(knockout).toHaveTextContent('rows by sender: bob 5, alice 4');
    expect(screen.getByRole('link', { name: 'Watch it' })).toHaveAttribute('href', '/matches/m-1/replay?t=1200');
    expect(screen.getAllByRole('figure').map((figure) => figure.getAttribute('aria-label'))).toEqual([
      'Attack sent (rows, cumulative)',
      'Garbage received (rows, cumulative)',
      'Stack height (rows)',
      'Pieces placed (cumulative)',
    ]);
  });

  it('says so while the analysis is not computed', async () => {
    server.use(http.get('*/api/matches/m-1/analysis', () => HttpResponse.json({ detail: 'not computed yet' }, { status: 404 })));
    renderAt('/matches/:id', <AnalysisSection matchId="m-1" nameOf={nameOf} />, '/matches/m-1');
    expect(await screen.findByText(/analysis of this match is not computed yet/)).toBeInTheDocument();
  });
});
