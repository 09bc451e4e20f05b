import { ApiError } from '../lib/session';

/** What a failed request means to a player, and what they can do about it. */
export function describeFailure(error: Error, what: string, notFound?: string): string {
  if (error instanceof ApiError) {
    if (error.status === 404) return notFound ?? `This ${what} does not exist.`;
    if (error.status === 401) return 'Your session has ended: sign in again.';
    // A private profile says so ("This profile is private."); other refusals in general words.
    if (error.status === 403) return error.fieldErrors('detail')[0] ?? `You may not see this ${what}.`;
    if (error.status >= 500) return `The server could not load this ${what} right now; try again in a moment.`;
  }
  if (error instanceof TypeError) return 'The server could not be reached. Check your connection and try again.';
  return error.message;
}

interface Props {
  error: Error;
  what: string;
  onRetry?: () => void;
  /** What a 404 means here, when not "does not exist". */
  notFound?: string;
}

export function ErrorMessage({ error, what, onRetry, notFound }: Props) {
  return (
    <div role="alert" className="card">
      <p>{describeFailure(error, what, notFound)}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
