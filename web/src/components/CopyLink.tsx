import { useState } from 'react';

/**
 * A button "Copy link" that puts `url()` on the clipboard (asked at the click, so that a replay's link
 * carries its current `t`); where the clipboard is refused, the link is shown to copy by hand.
 */
export function CopyLink({ url }: { url: () => string }) {
  const [said, setSaid] = useState<{ copied: boolean; link: string } | null>(null);
  return (
    <span className="copy-link">
      <button
        type="button"
        onClick={async () => {
          const link = url();
          try {
            await navigator.clipboard.writeText(link);
            setSaid({ copied: true, link });
          } catch {
            setSaid({ copied: false, link });
          }
        }}
      >
        Copy link
      </button>
      <span role="status">
        {said?.copied && 'Link copied'}
        {said && !said.copied && (
          <label>
            Copy this link <input readOnly value={said.link} onFocus={(event) => event.target.select()} />
          </label>
        )}
      </span>
    </span>
  );
}
