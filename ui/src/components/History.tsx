// Deployment history (trigger, commit, result, durations, log) and the kept releases with one-click rollback.
import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { ago, duration, shortSha, who } from '../format.js';
import { useSlots } from '../live.js';
import { useAction } from '../notices.js';
import { DeployView } from './DeployView.js';

export function History({ slot }: { slot: string }) {
  const [deployments, setDeployments] = useState<Awaited<ReturnType<typeof api.deployments>> | null>(null);
  const [releases, setReleases] = useState<Awaited<ReturnType<typeof api.releases>> | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const { busy, run } = useAction();
  const slots = useSlots();
  const lastId = slots?.find((entry) => entry.slot === slot)?.lastDeployment?.id;
  const release = slots?.find((entry) => entry.slot === slot)?.release;
  useEffect(() => {
    api.deployments(slot).then(setDeployments, () => setDeployments([]));
    api.releases(slot).then(setReleases, () => setReleases({ live: null, releases: [] }));
  }, [slot, lastId, release]);

  return (
    <div className="panel history">
      <h2>Releases</h2>
      {!releases ? (
        <p aria-busy="true">Loading…</p>
      ) : releases.releases.length === 0 ? (
        <p className="muted">No release yet.</p>
      ) : (
        <ul className="releases">
          {releases.releases.map((entry) => (
            <li key={entry.seq} data-release={entry.seq} className={entry.live ? 'live' : ''}>
              <span className="release-seq">#{entry.seq}</span>
              <span>
                {entry.commit ? (
                  <>
                    <code>{shortSha(entry.commit.sha)}</code> {entry.commit.subject}
                  </>
                ) : (
                  entry.source
                )}
                <span className="muted"> · {entry.note} · {ago(entry.createdAt)}</span>
              </span>
              {entry.live ? (
                <span className="badge badge-live">live</span>
              ) : (
                <button type="button" disabled={busy} onClick={() => void run(() => api.rollback(slot, entry.seq), `rolled back to release ${entry.seq}`)}>
                  Roll back to #{entry.seq}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <h2>Deployments</h2>
      {!deployments ? (
        <p aria-busy="true">Loading…</p>
      ) : deployments.length === 0 ? (
        <p className="muted">No deployment yet.</p>
      ) : (
        <table className="deployments">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">By</th>
              <th scope="col">Commit</th>
              <th scope="col">Result</th>
              <th scope="col">Took</th>
              <th scope="col">
                <span className="visually-hidden">Log</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {deployments.map((deployment) => (
              <tr key={deployment.id}>
                <td title={new Date(deployment.createdAt).toLocaleString()}>{ago(deployment.createdAt)}</td>
                <td>{who(deployment.trigger, deployment.actor)}</td>
                <td>{deployment.commit ? <code title={deployment.commit.subject}>{shortSha(deployment.commit.sha)}</code> : deployment.releaseSeq ? `release ${deployment.releaseSeq}` : '–'}</td>
                <td>
                  <span className={`badge badge-${deployment.status}`}>{deployment.status}</span>
                </td>
                <td>{deployment.finishedAt ? duration(deployment.finishedAt - deployment.createdAt) : '…'}</td>
                <td>
                  {deployment.logFile && (
                    <button type="button" className="ghost" aria-expanded={open === deployment.id} onClick={() => setOpen(open === deployment.id ? null : deployment.id)}>
                      {open === deployment.id ? 'Hide log' : 'Log'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && <DeployView id={open} />}
    </div>
  );
}
