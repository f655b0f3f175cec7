// A slot's webhooks: exactly what to paste into the repository's settings (payload URL, content type, secret,
// events) with copy buttons, the slot's own secret, and the deliveries about this slot with "redeliver".
import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { ago } from '../format.js';
import { useAction } from '../notices.js';
import { CopyField } from './CopyField.js';

type HooksView = Awaited<ReturnType<typeof api.slotHooks>>;
type Delivery = Awaited<ReturnType<typeof api.hookDeliveries>>[number];

export function WebhooksPanel({ slot }: { slot: string }) {
  const [view, setView] = useState<HooksView | null>(null);
  const [deliveries, setDeliveries] = useState<Delivery[]>([]);
  const [secret, setSecret] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const { busy, run } = useAction(() => load());
  const load = async () => {
    try {
      setView(await api.slotHooks(slot));
      setDeliveries(await api.hookDeliveries(slot));
    } catch (error) {
      setLoadError((error as Error).message);
    }
  };
  useEffect(() => {
    setSecret(null);
    void load();
  }, [slot]);

  if (loadError) return <p role="alert">Could not load the webhooks: {loadError}</p>;
  if (!view) return <p aria-busy="true">Loading the webhooks…</p>;
  if (!view.urls) return <p className="panel">The webhook listener is off (config <code>hooks.enabled</code>).</p>;
  return (
    <>
      <section className="panel" aria-labelledby="hooks-setup">
        <h2 id="hooks-setup">Push to deploy</h2>
        <p>
          {view.tracking.repo ? (
            <>
              A push to <code>{view.tracking.branch}</code>
              {view.tracking.deployTags ? ' (or a tag)' : ''} of <code>{view.tracking.repo}</code> deploys the pushed commit here
              {view.tracking.autoDeploy ? '.' : <strong> — auto-deploy is off in the settings.</strong>}
            </>
          ) : (
            'Set a repository in the settings first.'
          )}{' '}
          In GitHub: the repository's Settings → Webhooks → Add webhook, then:
        </p>
        <CopyField label="Payload URL" value={view.urls.github} />
        <CopyField label="Content type" value={view.contentType} />
        {secret ? (
          <CopyField label="Secret" value={secret} />
        ) : (
          <div className="copy-field">
            <span className="label">Secret</span>
            <code>{view.secretScope === 'slot' ? "the slot's own secret" : 'the workspace secret'} ••••••••</code>
            <button type="button" className="ghost" disabled={busy} onClick={() => void run(() => api.revealHookSecret(slot), 'secret shown').then((result) => result && setSecret(result.secret))}>
              Reveal
            </button>
          </div>
        )}
        <CopyField label="Events" value="push" shown="Just the push event" />
        <p className="muted">
          Gitea or Forgejo: <code>{view.urls.gitea}</code> (same secret). GitLab: <code>{view.urls.gitlab}</code> with the secret as the secret token.
        </p>
        <div className="actions">
          <button type="button" disabled={busy} onClick={() => void run(() => api.newSlotHookSecret(slot), 'the slot has a new secret of its own: paste it into the repository').then((result) => result && setSecret(result.secret))}>
            {view.secretScope === 'slot' ? 'New secret for this slot' : 'Give this slot its own secret'}
          </button>
          {view.secretScope === 'slot' && (
            <button type="button" className="ghost" disabled={busy} onClick={() => void run(() => api.removeSlotHookSecret(slot), 'the slot uses the workspace secret again').then(() => setSecret(null))}>
              Use the workspace secret
            </button>
          )}
        </div>
      </section>
      <section className="panel" aria-labelledby="hooks-deliveries">
        <h2 id="hooks-deliveries">Deliveries</h2>
        {deliveries.length === 0 ? (
          <p className="muted">No delivery about this slot yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>From</th>
                <th>Commit</th>
                <th>Signature</th>
                <th>Outcome</th>
                <th>This slot</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {deliveries.map((delivery) => {
                const route = delivery.routes.find((entry) => entry.slot === slot);
                return (
                  <tr key={delivery.id} data-delivery={delivery.id}>
                    <td title={new Date(delivery.receivedAt).toISOString()}>{ago(delivery.receivedAt)}</td>
                    <td>
                      {delivery.source} {delivery.event}
                    </td>
                    <td>
                      <code>{delivery.commit?.slice(0, 7) ?? '—'}</code> {delivery.ref?.replace(/^refs\/heads\//, '')}
                    </td>
                    <td>{delivery.signature}</td>
                    <td title={delivery.reason}>{delivery.outcome}</td>
                    <td>{route?.deployment ? <a href={`/slots/${slot}/history`}>{route.note}</a> : (route?.note ?? '')}</td>
                    <td>
                      {delivery.redeliverable && (
                        <button type="button" className="ghost" disabled={busy} onClick={() => void run(() => api.redeliverHook(delivery.id), (result) => result.reason)}>
                          Redeliver
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
