// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { beforeAll, describe, expect, it } from 'vitest';
import { match, player } from '../../test/fixtures';
import { server, withMockServer } from '../../test/server';
import { ReplayPage } from './ReplayPage';

withMockServer();

beforeAll(() => {
  // jsdom has no canvas; the page draws nothing then, which is all these tests need.
  HTMLCanvasElement.prototype.getContext = (() => null) as unknown as HTMLCanvasElement['getContext'];
});

const ev = (tick: number, type: string, player_id: string | null, data: Record<string, unknown> = {}) => ({
  tick,
  type,
  player_id,
  data,
});

// Tick rate 60, the match starting at room tick 6000: the tetris at 6000 + 75 s × 60.
const events = [
  ev(6000, 'game_start', null, { players: [{ player_id: 'u-1' }, { player_id: 'guest-7' }], config: {} }),
  ev(6060, 'piece_lock', 'u-1', { board: ['IIII......'], score: 10 }),
  ev(6100, 'piece_lock', 'guest-7', { board: ['OO........'], score: 5 }),
  ev(10500, 'piece_lock', 'u-1', { board: ['XXXXXXXXXI', 'XXXXXXXXXI', 'XXXXXXXXXI', 'XXXXXXXXXI', 'ZZ.......I'], score: 900 }),
  ev(10500, 'line_clear', 'u-1', { rows: [0, 1, 2, 3], count: 4 }),
  ev(10600, 'elimination', 'guest-7', { placement: 2 }),
  ev(10700, 'game_end', null, {}),
];
const moments = [ev(10500, 'tetris', 'u-1', { lines: 4 }), ev(10600, 'elimination', 'guest-7', { placement: 2 })];

// The analysis as a verified solo run's would have it for alice: key presses judged, two faults.
const judged = {
  rules_version: 2,
  tick_rate: 60,
  start_tick: 6000,
  knockouts: [],
  players: [
    { player_id: 'u-1', kpp: 3.5, key_presses: 7, finesse_judged: 2, finesse_faults: 2, finesse_fault_placements: [
      { tick: 6060, piece: 'I', presses: 4, fewest: 2 },
      { tick: 10500, piece: 'I', presses: 3, fewest: 2 },
    ] },
    { player_id: 'guest-7', kpp: null, key_presses: null, finesse_judged: null, finesse_faults: null, finesse_fault_placements: null },
  ],
};

function serve(status = 200, analysis: object | null = null) {
  server.use(
    http.get('*/api/matches/m-1/analysis', () =>
      analysis ? HttpResponse.json({ match_id: 'm-1', rules_version: 2, computed_at: '2026-11-30T12:02:00Z', analysis }) : HttpResponse.json({ detail: 'not computed yet' }, { status: 404 }),
    ),
    http.get('*/api/matches/m-1/replay', () =>
      status === 200
        ? HttpResponse.json({ match_id: 'm-1', room_id: 'room-1', started_at: '2026-11-30T12:00:00Z', events, moments })
        : HttpResponse.json({ detail: 'gone' }, { status }),
    ),
    http.get('*/api/matches/m-1', () => HttpResponse.json(match('m-1', { players: [player(), player({ user_id: null, username: null, player_id: 'guest-7', placement: 2 })] }))),
  );
}

function open(path = '/matches/m-1/replay') {
  const router = createMemoryRouter([{ path: '/matches/:id/replay', element: <ReplayPage /> }], { initialEntries: [path] });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return router;
}

const rowsOf = (name: string) => JSON.parse(screen.getByRole('img', { name: `Board of ${name}` }).getAttribute('data-rows') ?? 'null') as unknown;

describe('the replay viewer', () => {
  it('lists the key moments by type, name and time since game_start', async () => {
    serve();
    open();
    const list = await screen.findByRole('list', { name: 'Key moments' });
    const names = within(list)
      .getAllByRole('button')
      .map((button) => button.textContent);
    expect(names).toEqual(['Tetris by alice at 1:15', 'Elimination by guest-7 at 1:16']);
  });

  it('waits for the players’ names: no board or moment is ever labelled with a player id', async () => {
    serve();
    let analysisAsked = false;
    let answerMatch = () => {};
    const matchHeld = new Promise<void>((resolve) => (answerMatch = resolve));
    server.use(
      http.get('*/api/matches/m-1/analysis', () => {
        analysisAsked = true; // asked once the replay is in: the page has rendered with it
        return HttpResponse.json({ detail: 'not computed yet' }, { status: 404 });
      }),
      http.get('*/api/matches/m-1', async () => {
        await matchHeld;
        return HttpResponse.json(match('m-1', { players: [player(), player({ user_id: null, username: null, player_id: 'guest-7', placement: 2 })] }));
      }),
    );
    open();
    await waitFor(() => expect(analysisAsked).toBe(true));
    expect(screen.queryByRole('img', { name: 'Board of u-1' })).toBeNull();
    expect(screen.getByRole('status')).toHaveTextContent('Loading the replay…');
    answerMatch();
    expect(await screen.findByRole('img', { name: 'Board of alice' })).toBeInTheDocument();
  });

  it('jumps to a moment: the boards at its tick, full rows removed, and t in the URL', async () => {
    serve();
    const router = open();
    await userEvent.click(await screen.findByRole('button', { name: 'Tetris by alice at 1:15' }));
    expect(rowsOf('alice')).toEqual(['ZZ.......I']);
    expect(rowsOf('guest-7')).toEqual(['OO........']);
    expect(screen.getByRole('slider', { name: 'Timeline' })).toHaveValue('10500');
    expect(router.state.location.search).toBe('?t=10500');
  });

  it('opens at the URL’s t and steps between pieces and moments', async () => {
    serve();
    const router = open('/matches/m-1/replay?t=6080');
    expect(await screen.findByRole('img', { name: 'Board of alice' })).toBeInTheDocument();
    expect(rowsOf('alice')).toEqual(['IIII......']);
    expect(rowsOf('guest-7')).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: 'Next piece' }));
    expect(router.state.location.search).toBe('?t=6100');
    expect(rowsOf('guest-7')).toEqual(['OO........']);
    await userEvent.click(screen.getByRole('button', { name: 'Next moment' }));
    expect(router.state.location.search).toBe('?t=10500');
    await userEvent.click(screen.getByRole('button', { name: 'Next moment' }));
    expect(router.state.location.search).toBe('?t=10600');
    await userEvent.click(screen.getByRole('button', { name: 'Previous moment' }));
    expect(router.state.location.search).toBe('?t=10500');
    await userEvent.click(screen.getByRole('button', { name: 'Previous piece' }));
    expect(router.state.location.search).toBe('?t=6100');
  });

  it('moves with the keyboard as the buttons do, and lists the shortcuts on ?', async () => {
    serve();
    const router = open('/matches/m-1/replay?t=6080');
    await screen.findByRole('img', { name: 'Board of alice' });
    await userEvent.keyboard('{ArrowRight}');
    expect(router.state.location.search).toBe('?t=6100'); // as Next piece
    await userEvent.keyboard('{Shift>}{ArrowRight}{/Shift}');
    expect(router.state.location.search).toBe('?t=10500'); // as Next moment
    await userEvent.keyboard('.');
    expect(router.state.location.search).toBe('?t=10501');
    await userEvent.keyboard(',,');
    expect(router.state.location.search).toBe('?t=10499');
    await userEvent.keyboard('{ArrowLeft}');
    expect(router.state.location.search).toBe('?t=6100'); // as Previous piece
    await userEvent.keyboard(' ');
    expect(screen.getByRole('button', { name: 'Pause' })).toBeInTheDocument();
    await userEvent.keyboard(' ');
    expect(screen.getByRole('button', { name: 'Play' })).toBeInTheDocument();
    await userEvent.keyboard('?');
    const help = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(help).toHaveTextContent('Shift + ← / →Previous / next key moment');
  });

  it('marks an eliminated board with its placement', async () => {
    serve();
    open('/matches/m-1/replay?t=10600');
    const board = (await screen.findByRole('img', { name: 'Board of guest-7' })).closest('figure');
    expect(within(board as HTMLElement).getByRole('status')).toHaveTextContent('Out · 2nd');
    const alice = screen.getByRole('img', { name: 'Board of alice' }).closest('figure');
    expect(within(alice as HTMLElement).queryByRole('status')).toBeNull();
  });

  it('marks the finesse faults of the player whose key presses were judged, and steps between them', async () => {
    serve(200, judged);
    const router = open('/matches/m-1/replay?t=6000');
    expect(await screen.findByText('2 in 2 judged placements · 3.5 key presses a piece')).toBeInTheDocument();
    expect(screen.getByText('Finesse faults of alice:')).toBeInTheDocument();
    // At (6060 - 6000) / 4700 and (10500 - 6000) / 4700 of the span to game_end at 10700.
    const marks = screen.getByTestId('finesse-marks').querySelectorAll('.mark.finesse');
    expect([...marks].map((mark) => [(mark as HTMLElement).style.left, mark.getAttribute('title')])).toEqual([
      ['1.2766%', 'Finesse fault at 0:01: I placed with 4 presses, 2 would do'],
      ['95.7447%', 'Finesse fault at 1:15: I placed with 3 presses, 2 would do'],
    ]);
    await userEvent.click(screen.getByRole('button', { name: 'Next fault' }));
    expect(router.state.location.search).toBe('?t=6060');
    await userEvent.click(screen.getByRole('button', { name: 'Next fault' }));
    expect(router.state.location.search).toBe('?t=10500');
    expect(screen.getByRole('button', { name: 'Next fault' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Previous fault' }));
    expect(router.state.location.search).toBe('?t=6060');
  });

  it('marks no finesse where no key presses are known (a multiplayer analysis, or none yet)', async () => {
    const multiplayer = { ...judged, players: judged.players.map((p) => ({ ...p, kpp: null, finesse_faults: null, finesse_fault_placements: null })) };
    serve(200, multiplayer);
    open();
    await screen.findByRole('img', { name: 'Board of alice' });
    expect(screen.queryByTestId('finesse-marks')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Next fault' })).toBeNull();
  });

  it('offers the five speeds', async () => {
    serve();
    open();
    const speed = await screen.findByRole('combobox', { name: 'Speed' });
    expect(within(speed).getAllByRole('option').map((option) => option.textContent)).toEqual(['0.25×', '0.5×', '1×', '2×', '4×']);
  });

  it('explains an expired replay', async () => {
    serve(410);
    open();
    expect(await screen.findByRole('alert')).toHaveTextContent('This replay has expired');
  });

  it('explains an unreachable stream', async () => {
    serve(503);
    open();
    expect(await screen.findByRole('alert')).toHaveTextContent('the event stream is unreachable');
  });
});
