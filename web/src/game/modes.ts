/**
 * The solo modes (docs/api.md): marathon until the stack tops out, a 40-line sprint, a
 * 2-minute blitz. A mode is a set of rules; the engine ends the game when the rules say so.
 */
import { GUIDELINE_RULES, type Rules } from './engine';

export const MODES = ['marathon', 'sprint', 'blitz'] as const;
export type Mode = (typeof MODES)[number];

export const SPRINT_LINES = 40;
export const BLITZ_MS = 120_000;

export const MODE_NAMES: Readonly<Record<Mode, string>> = {
  marathon: 'Marathon',
  sprint: '40-line sprint',
  blitz: '2-minute blitz',
};

export function isMode(value: unknown): value is Mode {
  return typeof value === 'string' && (MODES as readonly string[]).includes(value);
}

export function rulesFor(mode: Mode, softDropFactor: number = GUIDELINE_RULES.softDropFactor): Rules {
  const rules: Rules = { ...GUIDELINE_RULES, softDropFactor };
  if (mode === 'sprint') {
    return { ...rules, lineGoal: SPRINT_LINES };
  }
  if (mode === 'blitz') {
    return { ...rules, timeLimitMs: BLITZ_MS };
  }
  return rules;
}
