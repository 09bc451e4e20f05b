import { Link, useLocation, useNavigate } from 'react-router';
import { signIn } from '../../lib/session';
import { CredentialsForm } from './CredentialsForm';

export function SignInPage() {
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/matches';
  return (
    <CredentialsForm
      title="Sign in"
      submitLabel="Sign in"
      autoCompletePassword="current-password"
      onSubmit={async (username, password) => {
        await signIn(username, password);
        void navigate(from, { replace: true });
      }}
      footer={
        <p>
          New here? <Link to="/register">Create an account</Link>
        </p>
      }
    />
  );
}
