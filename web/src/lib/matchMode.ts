/** How a match's mode reads (docs/api.md): a solo match's mode, and whether the server verified its run. */
import type { Match } from '../api/types';

const SOLO_NAMES: Readonly<Record<string, string>> = { marathon: 'marathon', sprint: '40-line sprint', blitz: '2-minute blitz' };

export function matchModeText(match: Pick<Match, 'mode' | 'solo_mode' | 'verified'>): string {
  if (match.mode !== 'solo') {
    return match.mode;
  }
  const name = SOLO_NAMES[match.solo_mode ?? 'marathon'] ?? 'marathon';
  return match.verified ? `solo ${name}` : `solo ${name} (unverified)`;
}
