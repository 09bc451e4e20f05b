import { Link, useNavigate } from 'react-router';
import { ApiError, apiUrl, signIn } from '../../lib/session';
import { CredentialsForm } from './CredentialsForm';

async function register(username: string, password: string): Promise<void> {
  const response = await fetch(apiUrl('/api/auth/register'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    throw new ApiError(response.status, body);
  }
}

export function RegisterPage() {
  const navigate = useNavigate();
  return (
    <CredentialsForm
      title="Create an account"
      submitLabel="Create account"
      autoCompletePassword="new-password"
      onSubmit={async (username, password) => {
        await register(username, password);
        await signIn(username, password);
        void navigate('/matches', { replace: true });
      }}
      footer={
        <p>
          Already have an account? <Link to="/signin">Sign in</Link>
        </p>
      }
    />
  );
}
