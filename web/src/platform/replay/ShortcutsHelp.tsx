import { useEffect, useRef } from 'react';
import { SHORTCUTS } from './shortcuts';

/** The help dialog of the replay viewer's shortcuts (a modal <dialog>: Escape closes it). */
export function ShortcutsHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      if (typeof element.showModal === 'function') element.showModal();
      else element.setAttribute('open', '');
    } else if (!open && element.open) {
      element.close();
    }
  }, [open]);
  return (
    <dialog ref={dialog} aria-labelledby="shortcuts-heading" className="shortcuts-help" onClose={onClose}>
      <h2 id="shortcuts-heading">Keyboard shortcuts</h2>
      <dl>
        {SHORTCUTS.map((shortcut) => (
          <div key={shortcut.keys}>
            <dt>
              <kbd>{shortcut.keys}</kbd>
            </dt>
            <dd>{shortcut.does}</dd>
          </div>
        ))}
      </dl>
      <button type="button" onClick={onClose}>
        Close
      </button>
    </dialog>
  );
}
