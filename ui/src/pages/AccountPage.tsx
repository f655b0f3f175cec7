// The admin password: set or change it (every other session is signed out).
import { useState, type FormEvent } from 'react';
import { api } from '../api.js';
import { useAction } from '../notices.js';

export function AccountPage() {
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const { busy, run } = useAction();
  const mismatch = again.length > 0 && password !== again;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await run(() => api.setPassword(password), 'password set; other sessions were signed out')) {
      setPassword('');
      setAgain('');
    }
  };
  return (
    <section className="panel">
      <h1>Account</h1>
      <form className="stack narrow" onSubmit={(event) => void submit(event)}>
        <h2>Admin password</h2>
        <div className="field">
          <label htmlFor="new-password">New password (at least 10 characters)</label>
          <input id="new-password" type="password" autoComplete="new-password" minLength={10} required value={password} onChange={(event) => setPassword(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="new-password-again">Once more</label>
          <input id="new-password-again" type="password" autoComplete="new-password" required value={again} onChange={(event) => setAgain(event.target.value)} aria-invalid={mismatch || undefined} aria-describedby={mismatch ? 'password-mismatch' : undefined} />
          {mismatch && (
            <p id="password-mismatch" className="field-error">
              The two differ.
            </p>
          )}
        </div>
        <button type="submit" className="primary" disabled={busy || password.length < 10 || password !== again}>
          Set password
        </button>
        <p className="muted">
          Locked out? On the machine running berth: <code>berth admin reset-password</code> or <code>berth admin login-code</code>.
        </p>
      </form>
    </section>
  );
}
