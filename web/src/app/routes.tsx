import type { RouteObject } from 'react-router';
import { RegisterPage } from '../platform/auth/RegisterPage';
import { RequireSession } from '../platform/auth/RequireSession';
import { SignInPage } from '../platform/auth/SignInPage';
import { PlayPage } from '../platform/solo/PlayPage';
import { HistoryPage } from '../platform/history/HistoryPage';
import { LiveListPage } from '../platform/live/LiveListPage';
import { LiveRoomPage } from '../platform/live/LiveRoomPage';
import { MatchPage } from '../platform/matches/MatchPage';
import { ReplayPage } from '../platform/replay/ReplayPage';
import { LeaderboardsPage } from '../platform/stats/LeaderboardsPage';
import { SettingsPage } from '../platform/public/SettingsPage';
import { TournamentsPage } from '../platform/public/TournamentsPage';
import { PlayerPage } from '../platform/stats/PlayerPage';
import { TournamentPage } from '../platform/stats/TournamentPage';
import { Home } from './Home';
import { Layout } from './Layout';

/** The client routes (Django answers each with this app: config/web_client.py). */
export const routes: RouteObject[] = [
  {
    element: <Layout />,
    children: [
      { index: true, element: <Home /> },
      { path: 'signin', element: <SignInPage /> },
      { path: 'register', element: <RegisterPage /> },
      { path: 'play', element: <PlayPage /> },
      // Public (docs/api.md, public reads): a link to any of these works for anyone.
      { path: 'matches/:id', element: <MatchPage /> },
      { path: 'matches/:id/replay', element: <ReplayPage /> },
      { path: 'players/:id', element: <PlayerPage /> },
      { path: 'leaderboards', element: <LeaderboardsPage /> },
      { path: 'tournaments', element: <TournamentsPage /> },
      { path: 'tournaments/:id', element: <TournamentPage /> },
      { path: 'live', element: <LiveListPage /> },
      { path: 'live/:roomId', element: <LiveRoomPage /> },
      {
        element: <RequireSession />,
        children: [
          { path: 'matches', element: <HistoryPage /> },
          { path: 'settings', element: <SettingsPage /> },
        ],
      },
      { path: '*', element: <p>There is no such page. <a href="/">Go to the start</a>.</p> },
    ],
  },
];
