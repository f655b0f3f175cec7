// A slot's database: status and size, connection details (password masked until revealed), enable and disable,
// snapshots (take, restore, delete), clone from another slot, reset; and the browser below.
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api.js';
import { ago, bytes } from '../format.js';
import { useSlots } from '../live.js';
import { useAction } from '../notices.js';
import { DatabaseBrowser } from './DatabaseBrowser.js';

type DatabaseView = Awaited<ReturnType<typeof api.database>>;
type Snapshot = Awaited<ReturnType<typeof api.snapshots>>[number];

export function DatabasePanel({ slot }: { slot: string }) {
  const [view, setView] = useState<DatabaseView | null>(null);
  const [snapshots, setSnapshots] = useState<Snapshot[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [url, setUrl] = useState<string | null>(null);
  const [snapshotName, setSnapshotName] = useState('');
  const [cloneFrom, setCloneFrom] = useState('');
  const [confirmReset, setConfirmReset] = useState('');
  const { busy, run } = useAction(() => load());
  const others = (useSlots() ?? []).map((entry) => entry.slot).filter((name) => name !== slot);

  const load = async () => {
    try {
      const current = await api.database(slot);
      setView(current);
      setSnapshots(current.enabled ? await api.snapshots(slot) : []);
    } catch (error) {
      setLoadError((error as Error).message);
    }
  };
  useEffect(() => {
    setUrl(null);
    void load();
  }, [slot]);
  const kept = (what: string) => (result: { kept: string; endedConnections: number }) => `${what}; the previous data is kept as snapshot ${result.kept}`;

  if (loadError) return <p role="alert">Could not load the database: {loadError}</p>;
  if (!view) return <p aria-busy="true">Loading the database…</p>;
  if (!view.enabled) {
    return (
      <div className="panel">
        <h2>No database yet</h2>
        <p>Give slot {slot} its own PostgreSQL database and role. Its app gets <code>DATABASE_URL</code>, <code>PG*</code> and <code>POSTGRES_*</code> at build and start; a running app restarts with them.</p>
        <button type="button" className="primary" disabled={busy} onClick={() => void run(() => api.enableDatabase(slot), `slot ${slot} has a database`)}>
          Create the database
        </button>
      </div>
    );
  }
  const takeSnapshot = (event: FormEvent) => {
    event.preventDefault();
    void run(() => api.takeSnapshot(slot, snapshotName.trim() || undefined), (snapshot) => `snapshot ${snapshot.name} taken`).then(() => setSnapshotName(''));
  };
  return (
    <div className="panel database">
      <dl className="facts">
        <div>
          <dt>database</dt>
          <dd>
            <code>{view.database}</code> (role <code>{view.role}</code>)
          </dd>
        </div>
        <div>
          <dt>server</dt>
          <dd>
            {view.host}:{view.port}
          </dd>
        </div>
        <div>
          <dt>size</dt>
          <dd>
            {bytes(view.sizeBytes ?? 0)}, {view.tables} table(s), {view.connections} connection(s)
          </dd>
        </div>
        <div>
          <dt>URL</dt>
          <dd>
            <code className="env-value">{url ?? `postgres://${view.role}:••••••••@${view.host}:${view.port}/${view.database}`}</code>{' '}
            {!url && (
              <button type="button" className="ghost" disabled={busy} onClick={() => void run(async () => setUrl(await api.databaseUrl(slot)))}>
                Reveal
              </button>
            )}
          </dd>
        </div>
      </dl>

      <h2>Snapshots</h2>
      <form className="row" onSubmit={takeSnapshot}>
        <label htmlFor="snapshot-name">Name (optional)</label>
        <input id="snapshot-name" value={snapshotName} placeholder="before-migration" onChange={(event) => setSnapshotName(event.target.value)} />
        <button type="submit" className="primary" disabled={busy}>
          Take a snapshot
        </button>
      </form>
      {snapshots.length === 0 ? (
        <p className="muted">No snapshots yet.</p>
      ) : (
        <ul className="releases">
          {snapshots.map((snapshot) => (
            <li key={snapshot.name} data-snapshot={snapshot.name}>
              <strong>{snapshot.name}</strong>
              <span className="muted">
                {ago(snapshot.createdAt)} · {bytes(snapshot.sizeBytes ?? 0)}
                {snapshot.auto ? ' · automatic' : ''}
                {snapshot.ready ? ' · instant restore' : ''}
              </span>
              <span className="spacer" />
              <button type="button" disabled={busy} onClick={() => void run(() => api.restoreSnapshot(slot, snapshot.name), kept(`snapshot ${snapshot.name} restored`))}>
                Restore
              </button>
              <button type="button" className="ghost danger" disabled={busy} aria-label={`Delete snapshot ${snapshot.name}`} onClick={() => void run(() => api.deleteSnapshot(slot, snapshot.name), `snapshot ${snapshot.name} deleted`)}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}

      <h2>Copy and reset</h2>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          void run(() => api.cloneDatabase(slot, cloneFrom), kept(`slot ${slot} now has a copy of slot ${cloneFrom}'s data`));
        }}
      >
        <label htmlFor="clone-from">Clone the data of</label>
        <select id="clone-from" value={cloneFrom} onChange={(event) => setCloneFrom(event.target.value)}>
          <option value="">choose a slot…</option>
          {others.map((name) => (
            <option key={name} value={name}>
              slot {name}
            </option>
          ))}
        </select>
        <button type="submit" disabled={busy || !cloneFrom}>
          Clone into slot {slot}
        </button>
      </form>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          void run(() => api.resetDatabase(slot), kept(`the database of slot ${slot} is empty`)).then(() => setConfirmReset(''));
        }}
      >
        <label htmlFor="confirm-reset">Type “{slot}” to empty its database</label>
        <input id="confirm-reset" value={confirmReset} autoComplete="off" onChange={(event) => setConfirmReset(event.target.value)} />
        <button type="submit" className="danger" disabled={busy || confirmReset !== slot}>
          Reset
        </button>
        <button type="button" className="ghost" disabled={busy} onClick={() => void run(() => api.disableDatabase(slot, false), `slot ${slot} no longer gets its database; the data is kept`)}>
          Disable (keep the data)
        </button>
      </form>

      <DatabaseBrowser slot={slot} />
    </div>
  );
}
