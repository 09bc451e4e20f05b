import { useId, useState, type FormEvent } from 'react';
import { formatWhen } from '../../lib/format';
import { ApiError } from '../../lib/session';

/** A 429's words: the server's (a locked sign-in says until when, shown in the reader's time zone),
 * or a general one. */
export function tooManyAttempts(details: string[]): string[] {
  if (details.length === 0) return ['Too many attempts: wait a minute and try again.'];
  return details.map((detail) => {
    const until = /try again after (\S+Z)\./.exec(detail);
    if (!until?.[1]) return detail;
    return `Too many failed sign-ins to this account from here: try again after ${formatWhen(until[1])}.`;
  });
}

interface Props {
  title: string;
  submitLabel: string;
  autoCompletePassword: 'current-password' | 'new-password';
  onSubmit: (username: string, password: string) => Promise<void>;
  footer: React.ReactNode;
}

/** The sign-in and register forms: the API's errors beside the field they name. */
export function CredentialsForm({ title, submitLabel, autoCompletePassword, onSubmit, footer }: Props) {
  const id = useId();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit(username, password);
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setBusy(false);
    }
  };

  const errorsOf = (field: string) => (error instanceof ApiError ? error.fieldErrors(field) : []);
  const usernameErrors = errorsOf('username');
  const passwordErrors = errorsOf('password');
  const general =
    error instanceof ApiError
      ? error.status === 429
        ? tooManyAttempts(errorsOf('detail'))
        : errorsOf('detail')
      : error
        ? ['The server could not be reached. Check your connection and try again.']
        : [];

  return (
    <form className="card credentials" onSubmit={submit} noValidate>
      <h1>{title}</h1>
      <label htmlFor={`${id}-username`}>Username</label>
      <input
        id={`${id}-username`}
        name="username"
        autoComplete="username"
        value={username}
        onChange={(event) => setUsername(event.target.value)}
        aria-invalid={usernameErrors.length > 0}
        aria-describedby={usernameErrors.length ? `${id}-username-error` : undefined}
        required
      />
      {usernameErrors.length > 0 && (
        <p className="field-error" id={`${id}-username-error`}>
          {usernameErrors.join(' ')}
        </p>
      )}
      <label htmlFor={`${id}-password`}>Password</label>
      <input
        id={`${id}-password`}
        name="password"
        type="password"
        autoComplete={autoCompletePassword}
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        aria-invalid={passwordErrors.length > 0}
        aria-describedby={passwordErrors.length ? `${id}-password-error` : undefined}
        required
      />
      {passwordErrors.length > 0 && (
        <p className="field-error" id={`${id}-password-error`}>
          {passwordErrors.join(' ')}
        </p>
      )}
      {general.length > 0 && (
        <p className="field-error" role="alert">
          {general.join(' ')}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {submitLabel}
      </button>
      {footer}
    </form>
  );
}
