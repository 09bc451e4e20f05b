/** How a player is named on every page: their username, a guest by player_id. */
export function playerName(player: { username?: string | null; player_id: string }): string {
  return player.username ?? player.player_id;
}

/** A match's names by player_id, for what names a player by id alone (boards, moments); an id not among
 * the players is shown as it is. */
export function nameByPlayerId(players: { username?: string | null; player_id: string }[]): (playerId: string) => string {
  const names = new Map(players.map((player) => [player.player_id, playerName(player)]));
  return (playerId) => names.get(playerId) ?? playerId;
}

/** m:ss of a duration in milliseconds. */
export function minutesSeconds(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

// One formatter per style for the page's life: toLocaleString with options builds a new Intl
// formatter on every call, which took 2 ms a call here (40 ms of a 20-row history page's render).
const WHEN = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const NUMBERS = new Map<number, Intl.NumberFormat>();

export function formatWhen(iso: string): string {
  return WHEN.format(new Date(iso));
}

export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined) return '–';
  let numbers = NUMBERS.get(digits);
  if (!numbers) {
    numbers = new Intl.NumberFormat(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    NUMBERS.set(digits, numbers);
  }
  return numbers.format(value);
}

/** A share (0.375) as a percentage ("37.50 %"), with ``digits`` after the point; a dash when missing. */
export function formatPercent(share: number | null | undefined, digits = 2): string {
  if (share === null || share === undefined) return '–';
  return `${formatNumber(share * 100, digits)} %`;
}

/** A long play time: "3 h 07 min" from an hour on, m:ss below. */
export function formatPlayTime(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 60) return minutesSeconds(ms);
  return `${formatNumber(Math.floor(minutes / 60))} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A sprint's time as runners write it: 1:02.345. */
export function raceTime(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes}:${String(seconds).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`;
}

/** 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st. */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}
