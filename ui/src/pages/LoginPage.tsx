// Sign in with the admin password or a one-time login code (printed by `berth up`, or `berth admin login-code`).
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.js';

export function LoginPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.login(secret);
      onSignedIn();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError('ERR_INTERNAL', String(caught), undefined, 0));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="center-page">
      <form className="login card" onSubmit={(event) => void submit(event)} aria-describedby="login-help">
        <h1>Sign in to berth</h1>
        <label htmlFor="secret">Password or one-time login code</label>
        <input id="secret" type="password" autoComplete="current-password" autoFocus required value={secret} onChange={(event) => setSecret(event.target.value)} aria-invalid={error ? true : undefined} aria-describedby={error ? 'login-error' : undefined} />
        {error && (
          <p id="login-error" className="field-error" role="alert">
            {error.message} {error.remedy}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || secret.length === 0}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p id="login-help" className="muted">
          First time? <code>berth up</code> printed a login code. Lost access? Run <code>berth admin login-code</code> or <code>berth admin reset-password</code> on the machine running berth.
        </p>
      </form>
    </main>
  );
}
