import { useQuery } from '@tanstack/react-query';
import type { components } from '../../api/schema';
import { ApiError, apiFetch } from '../../lib/session';
import { matchPath } from '../matches/paths';

/** One player's figures (docs/api.md, match analysis); null where a divisor was 0. */
export interface AnalysedPlayer {
  player_id: string;
  placement: number | null;
  seconds_alive: number | null;
  pieces: number;
  lines: number;
  attack: number;
  garbage_cleared: number;
  garbage_received: number;
  apm: number | null;
  pps: number | null;
  vs: number | null;
  app: number | null;
  ds_s: number | null;
  ds_p: number | null;
  apl: number | null;
  holds: number;
  t_spins: number;
  tetrises: number;
  longest_back_to_back: number;
  eliminated_at_tick: number | null;
  eliminated_by: string | null;
  /** Key presses and finesse: known for a verified solo run only, null for multiplayer (docs/api.md).
   * Optional: rows of rules version 1 have only kpp and finesse_faults. */
  key_presses?: number | null;
  kpp: number | null;
  finesse_judged?: number | null;
  finesse_faults: number | null;
  finesse_fault_placements?: FinesseFault[] | null;
  /** One point a second, up to the player's end. */
  timeline: Record<TimelineSeries, number[]>;
}

/** A placement that took more presses than the fewest; tick is its piece_lock's. */
export interface FinesseFault {
  tick: number;
  piece: string;
  presses: number;
  fewest: number;
}

export type TimelineSeries = 'attack' | 'garbage_received' | 'pieces' | 'stack_height';

export interface KnockOut {
  player_id: string;
  tick: number;
  placement: number | null;
  rows: number;
  spike_rows: number;
  kind: 'spike' | 'pressure' | null;
  by: { player_id: string; rows: number }[];
}

export interface Analysis {
  rules_version: number;
  tick_rate: number;
  /** game_start's tick: a reused room's ticks do not start at 0. */
  start_tick: number;
  players: AnalysedPlayer[];
  knockouts: KnockOut[];
}

type AnalysisAnswer = Omit<components['schemas']['MatchAnalysis'], 'analysis'> & { analysis: Analysis };

export function analysisPath(id: string): string {
  return `${matchPath(id)}/analysis`;
}

// An analysis not computed yet comes a few seconds after the match is archived, or, for a verified solo
// run, after the archiver's next sweep (docs/api.md): asked again this often, this many times at most.
export const ANALYSIS_POLL_MS = 3000;
export const ANALYSIS_POLLS = 20;

/** How long until the analysis is asked again: while it is not computed yet (null), a few times; else never. */
export function analysisPollInterval(data: Analysis | null | undefined, answers: number): number | false {
  return data === null && answers <= ANALYSIS_POLLS ? ANALYSIS_POLL_MS : false;
}

/** The match's analysis; null while it is not computed yet (a 404 for an existing match), asked again then. */
export function useMatchAnalysis(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ['match-analysis', id],
    enabled,
    refetchInterval: (query) => analysisPollInterval(query.state.data, query.state.dataUpdateCount),
    queryFn: async (): Promise<Analysis | null> => {
      try {
        return (await apiFetch<AnalysisAnswer>(analysisPath(id))).analysis;
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });
}
