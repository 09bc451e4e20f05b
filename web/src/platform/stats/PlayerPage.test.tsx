// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import { delay, http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { renderAt } from '../../test/render';
import { server, withMockServer } from '../../test/server';
import { match } from '../../test/fixtures';
import { playerStats } from './fixtures';
import { PlayerPage } from './PlayerPage';

withMockServer();

const DAYS = [
  { day: '2026-11-29', matches: 2, pps: 1.5, apm: 20, vs: 41.2 },
  { day: '2026-11-30', matches: 1, pps: 1.7, apm: 24.5, vs: null },
];
beforeEach(() => {
  // The player's recent matches (under the stats): none, unless a test says otherwise.
  server.use(http.get('*/api/players/:id/matches', () => HttpResponse.json({ next: null, previous: null, results: [] })));
  server.use(http.get('*/api/players/:id/stats/daily', () => HttpResponse.json({ days: DAYS })));
});

const open = (id = 'u-1') => renderAt('/players/:id', <PlayerPage />, `/players/${id}`);
const figure = (table: string, label: string) =>
  within(screen.getByRole('table', { name: table })).getByRole('row', { name: new RegExp(`^${label}`) });

describe('the player page', () => {
  it('lists the player’s recent matches, and says so when the profile is private', async () => {
    server.use(
      http.get('*/api/players/u-1/stats', () => HttpResponse.json(playerStats())),
      http.get('*/api/players/u-1/matches', () =>
        HttpResponse.json({ next: null, previous: null, results: [match('m-9')] }),
      ),
    );
    open();
    const table = await screen.findByRole('table', { name: 'alice’s matches, newest first' });
    expect(within(table).getAllByRole('link')[0]).toHaveAttribute('href', '/matches/m-9');
  });

  it('says a private profile is private', async () => {
    const privateProfile = () => HttpResponse.json({ detail: 'This profile is private.' }, { status: 403 });
    server.use(http.get('*/api/players/u-2/stats', privateProfile));
    open('u-2');
    expect(await screen.findByRole('alert')).toHaveTextContent('This profile is private.');
  });

  it('shows the multiplayer figures as the API gives them, and says when there is no solo game', async () => {
    server.use(http.get('*/api/players/u-1/stats', () => HttpResponse.json(playerStats())));
    open();
    expect(await screen.findByRole('heading', { name: 'alice' })).toBeInTheDocument();
    expect(figure('Multiplayer', 'Wins')).toHaveTextContent('3');
    expect(figure('Multiplayer', 'Win rate')).toHaveTextContent('37.50 %');
    expect(figure('Multiplayer', 'Average placement')).toHaveTextContent('1.88');
    expect(figure('Multiplayer', 'APM')).toHaveTextContent('1.0');
    expect(figure('Multiplayer', 'Average VS')).toHaveTextContent('41.50');
    expect(figure('Multiplayer', 'Average APP')).toHaveTextContent('0.412');
    expect(figure('Multiplayer', 'Average DS/S')).toHaveTextContent('0.1234');
    expect(figure('Multiplayer', 'Play time')).toHaveTextContent('1 h 30 min');
    expect(screen.queryByRole('table', { name: 'Solo' })).toBeNull();
    expect(screen.getByText('No solo games yet.')).toBeInTheDocument();
  });

  it('shows personal bests of verified runs by mode, each linked to its match', async () => {
    const best = { match_id: 'm-7', score: 5000, duration_ms: 83_456, lines_cleared: 40, achieved_at: '2026-11-30T12:00:00Z' };
    server.use(
      http.get('*/api/players/u-1/stats', () =>
        HttpResponse.json(playerStats({ solo_bests: { marathon: null, sprint: best, blitz: { ...best, match_id: 'm-8' } } })),
      ),
    );
    open();
    const table = 'Personal bests of verified solo runs';
    expect(await screen.findByRole('table', { name: table })).toBeInTheDocument();
    expect(figure(table, '40-line sprint')).toHaveTextContent('1:23.456');
    expect(within(figure(table, '40-line sprint')).getByRole('link')).toHaveAttribute('href', '/matches/m-7');
    expect(figure(table, '2-minute blitz')).toHaveTextContent('5,000');
    expect(figure(table, 'Marathon')).toHaveTextContent('–');
  });

  it('shows a dash for a figure the API gives as null', async () => {
    const stats = playerStats();
    server.use(
      http.get('*/api/players/u-1/stats', () =>
        HttpResponse.json({ ...stats, solo: { ...stats.solo, matches: 1, best_score: 10, play_time_ms: 0 } }),
      ),
    );
    open();
    expect(await screen.findByRole('table', { name: 'Solo' })).toBeInTheDocument();
    expect(figure('Solo', 'PPS')).toHaveTextContent('–');
    expect(figure('Solo', 'Average KPP')).toHaveTextContent('–'); // no analysed verified run
    expect(figure('Solo', 'Finesse faults per placement')).toHaveTextContent('–');
  });

  it('shows the mean KPP and finesse faults per placement of the analysed verified runs', async () => {
    const stats = playerStats();
    const solo = { ...stats.solo, matches: 3, analysed_runs: 2, kpp: 2.46, finesse_faults_per_piece: 0.1234 };
    server.use(http.get('*/api/players/u-1/stats', () => HttpResponse.json({ ...stats, solo })));
    open();
    expect(await screen.findByRole('table', { name: 'Solo' })).toBeInTheDocument();
    expect(figure('Solo', 'Average KPP')).toHaveTextContent('2.46');
    expect(figure('Solo', 'Finesse faults per placement')).toHaveTextContent('12.34 %');
  });

  it('explains an unknown player', async () => {
    server.use(http.get('*/api/players/nobody/stats', () => HttpResponse.json({ detail: 'No player' }, { status: 404 })));
    open('nobody');
    expect(await screen.findByRole('alert')).toHaveTextContent('There is no such player');
  });

  it('offers to try again after a server error', async () => {
    let calls = 0;
    server.use(
      http.get('*/api/players/u-1/stats', () => {
        calls += 1;
        return calls === 1 ? HttpResponse.json({}, { status: 503 }) : HttpResponse.json(playerStats());
      }),
    );
    open();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('try again in a moment');
    within(alert).getByRole('button', { name: 'Try again' }).click();
    expect(await screen.findByRole('heading', { name: 'alice' })).toBeInTheDocument();
  });

  // Last: its request stays pending until the mock server closes.
  it('says it is loading', () => {
    server.use(http.get('*/api/players/u-1/stats', async () => {
      await delay('infinite');
    }));
    open();
    expect(screen.getByRole('status')).toHaveTextContent('Loading');
  });

  it('charts PPS, APM and VS by day for a player with multiplayer matches', async () => {
    server.use(http.get('*/api/players/u-1/stats', () => HttpResponse.json(playerStats())));
    open();
    expect(await screen.findByRole('heading', { name: 'The last 30 days' })).toBeInTheDocument();
    expect(screen.getAllByRole('figure').map((chart) => chart.getAttribute('aria-label'))).toEqual([
      'PPS by day',
      'APM by day',
      'VS by day (analysed matches)',
    ]);
  });
});
