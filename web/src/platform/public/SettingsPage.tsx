import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatWhen } from '../../lib/format';
import { ApiError, signOut } from '../../lib/session';
import { deleteMe, updateMe, useMe } from './api';

/** /settings: a private profile (docs/api.md, private profiles) and the account's deletion, behind the password. */
export function SettingsPage() {
  const me = useMe();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);

  if (me.isPending) return <p role="status">Loading your account…</p>;
  if (me.error) return <ErrorMessage error={me.error} what="account" onRetry={() => void me.refetch()} />;
  const account = me.data;

  return (
    <section className="settings">
      <h1>Settings</h1>
      <p>
        Signed in as <strong className="name">{account.username}</strong>, since {formatWhen(account.date_joined)}.
      </p>
      <div className="card">
        <h2>Privacy</h2>
        <label className="check">
          <input
            type="checkbox"
            checked={account.profile_private}
            disabled={saving}
            onChange={async (event) => {
              setSaving(true);
              setSaved(null);
              try {
                const updated = await updateMe(event.target.checked);
                queryClient.setQueryData(['me'], updated);
                setSaved(updated.profile_private ? 'Your profile is private.' : 'Your profile is public.');
              } catch (error) {
                setSaved(error instanceof Error ? error.message : 'Not saved.');
              } finally {
                setSaving(false);
              }
            }}
          />
          Private profile
        </label>
        <p className="hint">
          Others cannot see your stats and your list of matches, and you are left out of the leaderboards. The
          matches you played stay visible with your name: they are the other players’ matches too.
        </p>
        <p role="status">{saved}</p>
      </div>
      <form
        className="card danger"
        aria-label="Delete account"
        onSubmit={async (event) => {
          event.preventDefault();
          setDeleting(true);
          setDeleteError(null);
          try {
            await deleteMe(password);
            await signOut().catch(() => undefined); // the session's tokens are gone with the account
            queryClient.clear();
            void navigate('/', { replace: true });
          } catch (error) {
            setDeleteError(
              error instanceof ApiError ? (error.fieldErrors('password')[0] ?? error.message) : 'Not deleted.',
            );
          } finally {
            setDeleting(false);
          }
        }}
      >
        <h2>Delete account</h2>
        <p>
          This deletes your account and your solo results, for good. Your multiplayer matches stay, under your player
          id instead of your name.
        </p>
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            aria-invalid={deleteError ? 'true' : undefined}
            aria-describedby={deleteError ? 'delete-error' : undefined}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        {deleteError && (
          <p id="delete-error" className="field-error">
            {deleteError}
          </p>
        )}
        <button type="submit" className="danger" disabled={deleting || !password}>
          Delete my account
        </button>
      </form>
    </section>
  );
}
