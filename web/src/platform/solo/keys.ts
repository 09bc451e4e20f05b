/** The solo game's keyboard controls, by KeyboardEvent.code (the key's place, any layout). */
import type { Control } from '../../game/input';

export const CONTROL_KEYS: Readonly<Record<string, Control>> = {
  ArrowLeft: 'left',
  ArrowRight: 'right',
  ArrowDown: 'soft_drop',
  Space: 'hard_drop',
  ArrowUp: 'rotate_cw',
  KeyX: 'rotate_cw',
  KeyZ: 'rotate_ccw',
  KeyA: 'rotate_180',
  KeyC: 'hold',
  ShiftLeft: 'hold',
  ShiftRight: 'hold',
};

export const PAUSE_KEYS: ReadonlySet<string> = new Set(['KeyP', 'Escape']);
export const RESTART_KEYS: ReadonlySet<string> = new Set(['Enter', 'NumpadEnter', 'KeyR']);
