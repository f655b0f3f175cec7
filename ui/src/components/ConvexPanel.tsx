// A slot's Convex backend: why the app is a Convex app, the backend's state and storage, the URLs and admin key its
// app and CLI use (copy buttons; the key on request), the doctor's findings with their remedies, the env its
// functions see, and a reset (export kept) to move it to other storage.
import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../api.js';
import { useAction } from '../notices.js';
import { CopyField } from './CopyField.js';

type ConvexView = Awaited<ReturnType<typeof api.convex>>;
type Finding = Awaited<ReturnType<typeof api.convexDoctor>>[number];
const MARK = { ok: '✓', warn: '!', fail: '✗' } as const;

export function ConvexPanel({ slot }: { slot: string }) {
  const [view, setView] = useState<ConvexView | null>(null);
  const [findings, setFindings] = useState<Finding[] | null>(null);
  const [backendEnv, setBackendEnv] = useState<Record<string, string>>({});
  const [adminKey, setAdminKey] = useState<string | null>(null);
  const [assignment, setAssignment] = useState('');
  const [storage, setStorage] = useState<{ storage: 'sqlite' | 'postgres'; files: 'local' | 's3' }>({ storage: 'sqlite', files: 'local' });
  const [confirm, setConfirm] = useState('');
  const [loadError, setLoadError] = useState<string | null>(null);
  const load = async () => {
    try {
      const next = await api.convex(slot);
      setView(next);
      if (next.storage) setStorage({ storage: next.storage.database, files: next.storage.files });
      if (next.enabled) {
        setBackendEnv(await api.convexBackendEnv(slot).catch(() => ({})));
        setFindings(await api.convexDoctor(slot));
      }
    } catch (error) {
      setLoadError((error as Error).message);
    }
  };
  const { busy, run } = useAction(load);
  useEffect(() => {
    setAdminKey(null);
    setFindings(null);
    void load();
  }, [slot]);

  if (loadError) return <p role="alert">Could not load the Convex backend: {loadError}</p>;
  if (!view) return <p aria-busy="true">Loading the Convex backend…</p>;
  if (!view.enabled) {
    return (
      <div className="panel">
        <p>
          Slot {slot} has no Convex backend. Deploy a Convex app (one with <code>convex.json</code>, a <code>convex/</code> folder or a <code>convex</code> dependency) and berth starts one for
          it, or turn Convex on in the settings.
        </p>
      </div>
    );
  }

  const setVariable = (event: FormEvent) => {
    event.preventDefault();
    const at = assignment.indexOf('=');
    if (at <= 0) return;
    void run(() => api.changeConvexBackendEnv(slot, { set: { [assignment.slice(0, at).trim()]: assignment.slice(at + 1) } }), `${assignment.slice(0, at).trim()} set in the backend`).then(() => setAssignment(''));
  };
  const reset = (event: FormEvent) => {
    event.preventDefault();
    void run(() => api.resetConvex(slot, { ...storage, confirm }), (result) => `the backend was reset; its data is kept in ${result.exportDir}. Deploy again to start the new one.`).then(() => setConfirm(''));
  };
  return (
    <div className="panel">
      <h2>Convex backend</h2>
      {view.detected && <p className="muted">Convex app: {view.detected}</p>}
      <dl className="facts">
        <div>
          <dt>backend</dt>
          <dd>{view.external ? `external, at ${view.external} (berth does not run it)` : `${view.instanceName}, ${view.running ? `running (pid ${view.pid})` : 'not running'} on 127.0.0.1:${view.port}`}</dd>
        </div>
        {view.storage && (
          <div>
            <dt>storage</dt>
            <dd>
              {view.storage.database === 'sqlite' ? 'SQLite in the slot folder' : "berth's Postgres"}, {view.storage.files === 'local' ? 'files in the slot folder' : 'files on S3'}
            </dd>
          </div>
        )}
      </dl>
      <CopyField label="Public API URL" value={view.urls.api} />
      {view.urls.site && <CopyField label="HTTP actions URL" value={view.urls.site} />}
      <CopyField label="CLI URL" value={view.env.CONVEX_SELF_HOSTED_URL ?? ''} />
      {adminKey ? (
        <CopyField label="Admin key" value={adminKey} />
      ) : (
        <div className="copy-field">
          <span className="label">Admin key</span>
          <code>••••••••</code>
          <button type="button" className="ghost" disabled={busy} onClick={() => void run(() => api.revealConvex(slot), 'admin key shown').then((result) => result && setAdminKey(result.env.CONVEX_SELF_HOSTED_ADMIN_KEY ?? null))}>
            Reveal
          </button>
        </div>
      )}

      <h2>Checks</h2>
      {findings === null ? (
        <p aria-busy="true">Checking…</p>
      ) : (
        <ul className="findings">
          {findings.map((finding, index) => (
            <li key={index} data-check={finding.check} data-verdict={finding.verdict}>
              <span aria-label={finding.verdict}>{MARK[finding.verdict]}</span> <strong>{finding.check}</strong> {finding.message}
              {finding.remedy && <div className="muted">→ {finding.remedy}</div>}
            </li>
          ))}
        </ul>
      )}

      <h2>Functions env</h2>
      {Object.keys(backendEnv).length === 0 ? (
        <p className="muted">The backend has no env variables.</p>
      ) : (
        <ul className="releases">
          {Object.entries(backendEnv)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, value]) => (
              <li key={name} data-variable={name}>
                <code>{name}</code> <code className="env-value">{value}</code>
                <span className="spacer" />
                <button type="button" className="ghost danger" disabled={busy} aria-label={`Unset ${name}`} onClick={() => void run(() => api.changeConvexBackendEnv(slot, { unset: [name] }), `${name} unset`)}>
                  Unset
                </button>
              </li>
            ))}
        </ul>
      )}
      <form className="row" onSubmit={setVariable}>
        <label htmlFor="convex-variable">Set</label>
        <input id="convex-variable" value={assignment} placeholder="KEY=value" autoComplete="off" onChange={(event) => setAssignment(event.target.value)} />
        <button type="submit" disabled={busy || assignment.indexOf('=') <= 0}>
          Set in the backend
        </button>
      </form>

      {!view.external && (
        <>
          <h2>Reset and storage</h2>
          <p className="muted">A backend keeps its data where it was first made. Reset exports it first (the export is kept), then the next deploy starts an empty backend on the storage chosen here.</p>
          <form className="row" onSubmit={reset}>
            <label htmlFor="convex-storage">Data</label>
            <select id="convex-storage" value={storage.storage} onChange={(event) => setStorage({ ...storage, storage: event.target.value as 'sqlite' })}>
              <option value="sqlite">SQLite</option>
              <option value="postgres">Postgres</option>
            </select>
            <label htmlFor="convex-files">Files</label>
            <select id="convex-files" value={storage.files} onChange={(event) => setStorage({ ...storage, files: event.target.value as 'local' })}>
              <option value="local">local</option>
              <option value="s3">S3</option>
            </select>
            <label htmlFor="convex-confirm">Type “{slot}” to reset</label>
            <input id="convex-confirm" value={confirm} autoComplete="off" onChange={(event) => setConfirm(event.target.value)} />
            <button type="submit" className="danger" disabled={busy || confirm !== slot}>
              Reset the backend
            </button>
          </form>
        </>
      )}
    </div>
  );
}
