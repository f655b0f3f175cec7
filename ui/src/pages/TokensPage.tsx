// API tokens for automation: create one with a role and slots (shown once), see when each was last used, revoke.
import { useEffect, useState, type FormEvent } from 'react';
import type { ApiTokenView } from '../../../src/sdk/schemas.js';
import { api } from '../api.js';
import { ago } from '../format.js';
import { useSlots } from '../live.js';
import { useAction } from '../notices.js';

const ROLES = [
  ['read', 'read: see slots, logs and deployments'],
  ['deploy', 'deploy: read, deploy, cancel, roll back'],
  ['manage', 'manage: deploy, settings, env, start/stop, clear'],
  ['admin', 'admin: everything, tokens included'],
] as const;

export function TokensPage() {
  const [tokens, setTokens] = useState<ApiTokenView[] | null>(null);
  const [form, setForm] = useState({ name: '', role: 'deploy' as ApiTokenView['role'], slots: [] as string[] });
  const [created, setCreated] = useState<string | null>(null);
  const { busy, run } = useAction();
  const slots = useSlots();
  const [loadError, setLoadError] = useState<string | null>(null);
  const load = () => api.tokens().then(setTokens, (error: Error) => setLoadError(error.message));
  useEffect(() => {
    document.title = 'API tokens · berth';
    void load();
  }, []);
  const create = async (event: FormEvent) => {
    event.preventDefault();
    const result = await run(() => api.createToken({ name: form.name, role: form.role, slots: form.slots.length ? form.slots : null }), 'token created');
    if (result) {
      setCreated(result.token);
      setForm({ name: '', role: 'deploy', slots: [] });
      void load();
    }
  };
  return (
    <section className="panel">
      <h1>API tokens</h1>
      <p className="muted">For CI and scripts: send one as <code>Authorization: Bearer …</code>. berth keeps only a hash.</p>
      {created && (
        <div className="banner" role="status">
          <p>Copy the new token now; it is not shown again:</p>
          <code className="secret-once">{created}</code>{' '}
          <button type="button" onClick={() => void navigator.clipboard?.writeText(created)}>
            Copy
          </button>
        </div>
      )}
      <form className="row token-form" onSubmit={(event) => void create(event)}>
        <div className="field">
          <label htmlFor="token-name">Name</label>
          <input id="token-name" required value={form.name} placeholder="ci-deploy" onChange={(event) => setForm({ ...form, name: event.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="token-role">Role</label>
          <select id="token-role" value={form.role} onChange={(event) => setForm({ ...form, role: event.target.value as ApiTokenView['role'] })}>
            {ROLES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="field">
          <legend>Slots (none ticked: all)</legend>
          <div className="row">
            {(slots ?? []).map((slot) => (
              <label key={slot.slot} className="check">
                <input type="checkbox" checked={form.slots.includes(slot.slot)} onChange={(event) => setForm({ ...form, slots: event.target.checked ? [...form.slots, slot.slot] : form.slots.filter((name) => name !== slot.slot) })} /> {slot.slot}
              </label>
            ))}
          </div>
        </fieldset>
        <button type="submit" className="primary" disabled={busy || !form.name}>
          Create token
        </button>
      </form>
      {loadError ? (
        <p role="alert">Could not load the tokens: {loadError}</p>
      ) : !tokens ? (
        <p aria-busy="true">Loading…</p>
      ) : tokens.length === 0 ? (
        <p className="muted">No tokens yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Slots</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td>{token.role}</td>
                <td>{token.slots?.join(', ') ?? 'all'}</td>
                <td>
                  {ago(token.createdAt)} <span className="muted">by {token.createdBy}</span>
                </td>
                <td>{token.lastUsedAt ? ago(token.lastUsedAt) : 'never'}</td>
                <td>
                  <button type="button" className="danger ghost" disabled={busy} onClick={() => void run(() => api.revokeToken(token.id), `token ${token.name} revoked`).then(load)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
