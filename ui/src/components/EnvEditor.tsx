// The slot's env: add, edit and remove variables, paste a .env, mark secrets. Secret values stay masked until
// revealed one at a time (each reveal is recorded). A change to a live slot rolls out as a new release.
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api.js';
import { useAction } from '../notices.js';

type EnvView = Awaited<ReturnType<typeof api.env>>;

export function EnvEditor({ slot }: { slot: string }) {
  const [view, setView] = useState<EnvView | null>(null);
  const [revealed, setRevealed] = useState<Record<string, string>>({});
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [added, setAdded] = useState({ key: '', value: '', secret: false });
  const [pasted, setPasted] = useState({ text: '', secret: false });
  const { busy, run } = useAction();
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    api.env(slot).then(setView, (error: Error) => setLoadError(error.message));
  }, [slot]);

  const applied = (result: Awaited<ReturnType<typeof api.changeEnv>>) => {
    setView(result);
    setRevealed({});
    return result.deployment ? `saved; release ${result.deployment.releaseSeq ?? ''} rolls out with it` : 'saved; the next start or deploy uses it';
  };
  const change = (changes: Parameters<typeof api.changeEnv>[1]) => run(() => api.changeEnv(slot, changes), applied);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    const done = await change({ set: { [added.key.trim()]: added.value }, secret: added.secret ? [added.key.trim()] : [] });
    if (done) setAdded({ key: '', value: '', secret: false });
  };
  const importText = async (event: FormEvent) => {
    event.preventDefault();
    const done = await run(() => api.importEnv(slot, pasted.text, pasted.secret), applied);
    if (done) setPasted({ text: '', secret: false });
  };

  if (loadError) return <p role="alert">Could not load the env: {loadError}</p>;
  if (!view) return <p aria-busy="true">Loading env…</p>;
  const keys = Object.keys(view.env).sort();
  return (
    <div className="panel env">
      {keys.length === 0 ? (
        <p className="muted">No variables yet.</p>
      ) : (
        <table className="env-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => {
              const secret = view.secrets.includes(key);
              const value = revealed[key] ?? view.env[key];
              return (
                <tr key={key} data-key={key}>
                  <th scope="row">
                    <code>{key}</code> {secret && <span className="badge badge-secret">secret</span>}
                  </th>
                  <td>
                    {editing === key ? (
                      <form
                        className="row"
                        onSubmit={(event) => {
                          event.preventDefault();
                          void change({ set: { [key]: draft } }).then((done) => done && setEditing(null));
                        }}
                      >
                        <label className="visually-hidden" htmlFor={`edit-${key}`}>
                          New value of {key}
                        </label>
                        <input id={`edit-${key}`} autoFocus value={draft} onChange={(event) => setDraft(event.target.value)} />
                        <button type="submit" className="primary" disabled={busy}>
                          Save
                        </button>
                        <button type="button" onClick={() => setEditing(null)}>
                          Cancel
                        </button>
                      </form>
                    ) : (
                      <code className="env-value">{value}</code>
                    )}
                  </td>
                  <td className="actions">
                    {secret && revealed[key] === undefined && (
                      <button type="button" className="ghost" disabled={busy} onClick={() => void run(async () => setRevealed({ ...revealed, [key]: await api.reveal(slot, key) }))}>
                        Reveal
                      </button>
                    )}
                    <button
                      type="button"
                      className="ghost"
                      onClick={() => {
                        setEditing(key);
                        setDraft(secret ? '' : view.env[key]);
                      }}
                    >
                      Edit
                    </button>
                    <button type="button" className="ghost" disabled={busy} onClick={() => void change(secret ? { plain: [key] } : { secret: [key] })}>
                      {view.marked.includes(key) ? 'Unmark secret' : secret ? 'Secret by name' : 'Mark secret'}
                    </button>
                    <button type="button" className="ghost danger" disabled={busy} aria-label={`Remove ${key}`} onClick={() => void change({ unset: [key] })}>
                      Remove
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <form className="env-add row" onSubmit={(event) => void add(event)}>
        <div className="field">
          <label htmlFor="env-new-key">Name</label>
          <input id="env-new-key" value={added.key} required pattern="[A-Za-z_][A-Za-z0-9_]*" placeholder="API_URL" onChange={(event) => setAdded({ ...added, key: event.target.value })} />
        </div>
        <div className="field grow">
          <label htmlFor="env-new-value">Value</label>
          <input id="env-new-value" value={added.value} onChange={(event) => setAdded({ ...added, value: event.target.value })} />
        </div>
        <div className="field checkbox">
          <input id="env-new-secret" type="checkbox" checked={added.secret} onChange={(event) => setAdded({ ...added, secret: event.target.checked })} />
          <label htmlFor="env-new-secret">secret</label>
        </div>
        <button type="submit" className="primary" disabled={busy || added.key.trim() === ''}>
          Add
        </button>
      </form>
      <details className="env-paste">
        <summary>Paste a .env file</summary>
        <form onSubmit={(event) => void importText(event)}>
          <label htmlFor="env-paste-text">.env text (KEY=VALUE lines; # comments)</label>
          <textarea id="env-paste-text" rows={6} value={pasted.text} onChange={(event) => setPasted({ ...pasted, text: event.target.value })} />
          <div className="row">
            <input id="env-paste-secret" type="checkbox" checked={pasted.secret} onChange={(event) => setPasted({ ...pasted, secret: event.target.checked })} />
            <label htmlFor="env-paste-secret">mark them all secret</label>
            <button type="submit" className="primary" disabled={busy || pasted.text.trim() === ''}>
              Import
            </button>
          </div>
        </form>
      </details>
    </div>
  );
}
