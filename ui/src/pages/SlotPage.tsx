// One slot: overview with the live deployment, settings, env, history, and the danger zone, as tabs.
import { useEffect } from 'react';
import { api } from '../api.js';
import { Activity } from '../components/Activity.js';
import { ConvexPanel } from '../components/ConvexPanel.js';
import { DatabasePanel } from '../components/DatabasePanel.js';
import { WebhooksPanel } from '../components/WebhooksPanel.js';
import { DeployView } from '../components/DeployView.js';
import { EnvEditor } from '../components/EnvEditor.js';
import { History } from '../components/History.js';
import { SettingsForm } from '../components/SettingsForm.js';
import { StateBadge } from '../components/StateBadge.js';
import { DangerZone } from '../components/DangerZone.js';
import { useSlots } from '../live.js';
import { useAction } from '../notices.js';
import { linkTo, navigate } from '../router.js';
import { useModKey } from '../shortcuts.js';

const TABS = [
  ['overview', 'Overview'],
  ['settings', 'Settings'],
  ['env', 'Env'],
  ['database', 'Database'],
  ['convex', 'Convex'],
  ['webhooks', 'Webhooks'],
  ['history', 'History'],
  ['danger', 'Danger zone'],
] as const;

export function SlotPage({ slot, tab }: { slot: string; tab: string }) {
  const slots = useSlots();
  const status = slots?.find((entry) => entry.slot === slot);
  const { busy, run } = useAction();
  useEffect(() => {
    document.title = `slot ${slot} · berth`;
  }, [slot]);
  const deploy = () => run(() => api.deploy(slot).then((deployment) => (navigate(`/slots/${slot}`), deployment)), (deployment) => `deployment ${deployment.id} queued`);
  useModKey('d', () => void deploy());

  if (slots && !status) {
    return (
      <section>
        <h1>No slot "{slot}"</h1>
        <p>
          <a {...linkTo('/')}>Back to the slots</a>
        </p>
      </section>
    );
  }
  return (
    <section className="slot-page">
      <header className="row page-head">
        <h1>slot {slot}</h1>
        {status && <StateBadge summary={status.summary} />}
        {status && (
          <a href={status.url} target="_blank" rel="noreferrer">
            {status.url}
          </a>
        )}
        <span className="spacer" />
        <button type="button" className="primary" disabled={busy || !status?.repo} title={status?.repo ? 'Deploy the branch tip (Ctrl/⌘+D)' : 'Set a repository in Settings first'} onClick={() => void deploy()}>
          Deploy
        </button>
        <a className="button" {...linkTo(`/slots/${slot}/logs`)}>
          Logs
        </a>
      </header>
      <nav className="tabs" aria-label="Slot sections">
        {TABS.map(([id, label]) => (
          <a key={id} {...linkTo(id === 'overview' ? `/slots/${slot}` : `/slots/${slot}/${id}`)} aria-current={tab === id ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      {tab === 'overview' && (
        <div className="panel">
          {!status?.repo && status?.release === null && (
            <p className="banner">
              This slot is empty. <a {...linkTo(`/slots/${slot}/settings`)}>Give it a repository and branch</a>, then deploy.
            </p>
          )}
          {status?.lastDeployment ? <DeployView id={status.lastDeployment.id} onCancel={() => void run(() => api.cancel(slot), 'cancel requested')} /> : <p className="muted">No deployment yet.</p>}
          <Activity slot={slot} />
        </div>
      )}
      {tab === 'settings' && <SettingsForm slot={slot} />}
      {tab === 'env' && <EnvEditor slot={slot} />}
      {tab === 'database' && <DatabasePanel slot={slot} />}
      {tab === 'convex' && <ConvexPanel slot={slot} />}
      {tab === 'webhooks' && <WebhooksPanel slot={slot} />}
      {tab === 'history' && <History slot={slot} />}
      {tab === 'danger' && <DangerZone slot={slot} />}
    </section>
  );
}
