import { useEffect, useRef } from 'react';

/** The replay viewer's keyboard shortcuts, as the help dialog lists them. */
export const SHORTCUTS: { keys: string; does: string }[] = [
  { keys: 'Space', does: 'Play or pause' },
  { keys: '← / →', does: 'Previous / next piece' },
  { keys: 'Shift + ← / →', does: 'Previous / next key moment' },
  { keys: ', / .', does: 'One tick back / forward' },
  { keys: '?', does: 'This list' },
];

export interface ShortcutActions {
  togglePlay: () => void;
  previousPiece: () => void;
  nextPiece: () => void;
  previousMoment: () => void;
  nextMoment: () => void;
  tickBack: () => void;
  tickForward: () => void;
  help: () => void;
}

/** Which action a key press asks for; null for any other key (left to the page). */
export function shortcutFor(event: Pick<KeyboardEvent, 'key' | 'shiftKey'>): keyof ShortcutActions | null {
  switch (event.key) {
    case ' ':
      return 'togglePlay';
    case 'ArrowLeft':
      return event.shiftKey ? 'previousMoment' : 'previousPiece';
    case 'ArrowRight':
      return event.shiftKey ? 'nextMoment' : 'nextPiece';
    case ',':
      return 'tickBack';
    case '.':
      return 'tickForward';
    case '?':
      return 'help';
    default:
      return null;
  }
}

/** Listen for the shortcuts on the whole page, but not while typing in a field or choosing in a list
 * (the timeline's own slider keeps its arrows), nor with Ctrl, Alt or Meta (the browser's own). */
export function useShortcuts(actions: ShortcutActions): void {
  // The latest actions, read at the key press: the listener is added once, not at every frame of playback.
  const latest = useRef(actions);
  useEffect(() => {
    latest.current = actions;
  });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.altKey || event.metaKey || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (target && ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) return;
      if (target?.closest('dialog')) return;
      const action = shortcutFor(event);
      if (action === null) return;
      event.preventDefault();
      latest.current[action]();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
