/** DAS and ARR chosen by the player, remembered in localStorage (settings, never credentials). */
import { DEFAULT_INPUT, type InputSettings } from '../../game/input';

const SETTINGS_KEY = 'tetris.solo.settings';
const LIMIT_MS = 1000;

function clamp(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) ? Math.min(LIMIT_MS, Math.max(0, Math.round(n))) : fallback;
}

export function loadInputSettings(storage: Storage): InputSettings {
  try {
    const saved = JSON.parse(storage.getItem(SETTINGS_KEY) ?? '{}') as Partial<InputSettings>;
    return { dasMs: clamp(saved.dasMs, DEFAULT_INPUT.dasMs), arrMs: clamp(saved.arrMs, DEFAULT_INPUT.arrMs) };
  } catch {
    return DEFAULT_INPUT;
  }
}

export function saveInputSettings(storage: Storage, settings: InputSettings): InputSettings {
  const clean = { dasMs: clamp(settings.dasMs, DEFAULT_INPUT.dasMs), arrMs: clamp(settings.arrMs, DEFAULT_INPUT.arrMs) };
  storage.setItem(SETTINGS_KEY, JSON.stringify(clean));
  return clean;
}
