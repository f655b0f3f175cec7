// Home: one card per slot with what runs there, how it is doing, and the actions a user needs most.
import { useEffect, useState } from 'react';
import type { SlotStatus } from '../../../src/sdk/schemas.js';
import { api } from '../api.js';
import { Sparkline } from '../components/Sparkline.js';
import { StateBadge } from '../components/StateBadge.js';
import { ago, bytes, duration, shortSha, who } from '../format.js';
import { useSlots } from '../live.js';
import { useAction } from '../notices.js';
import { linkTo, navigate } from '../router.js';

export function GridPage() {
  const slots = useSlots();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    document.title = 'Slots · berth';
  }, []);
  useEffect(() => {
    // bench/ui reads this mark: the moment the grid first shows real data.
    if (slots && performance.getEntriesByName('berth:grid-ready').length === 0) performance.mark('berth:grid-ready');
  }, [slots]);
  if (!slots) {
    return (
      <section aria-busy="true" className="grid" aria-label="Loading the slots">
        {[0, 1, 2].map((index) => (
          <div key={index} className="card slot-card skeleton" />
        ))}
      </section>
    );
  }
  return (
    <>
      <h1 className="visually-hidden">Slots</h1>
      <section className="grid" data-ready="true">
        {slots.map((slot) => (
          <SlotCard key={slot.slot} slot={slot} now={now} />
        ))}
      </section>
    </>
  );
}

function SlotCard({ slot, now }: { slot: SlotStatus; now: number }) {
  const { busy, run } = useAction();
  const [receivedAt] = useState(Date.now());
  const uptime = slot.uptimeMs === null ? null : slot.uptimeMs + (now - receivedAt);
  const deploy = () =>
    run(async () => {
      const deployment = await api.deploy(slot.slot);
      navigate(`/slots/${slot.slot}`);
      return deployment;
    });
  const empty = slot.summary === 'empty' || (slot.release === null && slot.summary !== 'failed' && slot.summary !== 'deploying');
  return (
    <article className={`card slot-card state-${slot.summary}`} aria-labelledby={`slot-${slot.slot}-title`} data-slot={slot.slot}>
      <header>
        <h2 id={`slot-${slot.slot}-title`}>
          <a {...linkTo(`/slots/${slot.slot}`)}>slot {slot.slot}</a>
        </h2>
        <StateBadge summary={slot.summary} />
      </header>
      <a className="slot-url" href={slot.url} target="_blank" rel="noreferrer">
        {slot.url.replace(/^https?:\/\//, '')}
      </a>
      {empty ? (
        <div className="empty-slot">
          <p>Nothing lives here yet.</p>
          {slot.repo ? (
            <button type="button" className="primary" disabled={busy} onClick={() => void deploy()}>
              Deploy {slot.branch}
            </button>
          ) : (
            <a className="button primary" {...linkTo(`/slots/${slot.slot}/settings`)}>
              Deploy your first app
            </a>
          )}
        </div>
      ) : (
        <>
          <dl className="facts">
            {slot.repo && (
              <div>
                <dt>source</dt>
                <dd title={slot.repo}>
                  {repoName(slot.repo)} <span className="muted">@ {slot.branch}</span>
                </dd>
              </div>
            )}
            <div>
              <dt>commit</dt>
              <dd>{slot.commit ? <><code>{shortSha(slot.commit.sha)}</code> {slot.commit.subject}</> : <span className="muted">{slot.command ?? '–'}</span>}</dd>
            </div>
            <div>
              <dt>deployed</dt>
              <dd>
                {ago(slot.releasedAt, now)}
                {slot.releasedBy && <span className="muted"> by {who(slot.releasedBy.trigger, slot.releasedBy.actor)}</span>}
              </dd>
            </div>
            <div>
              <dt>uptime</dt>
              <dd>{uptime === null ? '–' : duration(uptime)}</dd>
            </div>
            <div>
              <dt>cpu</dt>
              <dd className="metric">
                <Sparkline values={slot.history.cpuPercent} max={100} label={`CPU ${slot.cpuPercent}%`} /> {slot.cpuPercent}%
              </dd>
            </div>
            <div>
              <dt>memory</dt>
              <dd className="metric">
                <Sparkline values={slot.history.memoryBytes} max={slot.memoryLimitMb ? slot.memoryLimitMb * 1024 * 1024 : undefined} label={`memory ${bytes(slot.memoryBytes)}`} /> {bytes(slot.memoryBytes)}
              </dd>
            </div>
            <div>
              <dt>restarts</dt>
              <dd>{slot.restarts}</dd>
            </div>
          </dl>
          {slot.summary === 'deploying' && slot.lastDeployment && (
            <p className="progress" role="status">
              deploying: {slot.lastDeployment.stage}… <a {...linkTo(`/slots/${slot.slot}`)}>watch</a>
            </p>
          )}
          {slot.lastDeployment?.status === 'failed' && slot.summary !== 'deploying' && (
            <p className="warn">
              last deploy failed: {slot.lastDeployment.error} <a {...linkTo(`/slots/${slot.slot}/history`)}>details</a>
            </p>
          )}
          {slot.reason && <p className="warn">{slot.reason.split('\n')[0]}</p>}
          <div className="actions">
            {slot.repo && (
              <button type="button" className="primary" disabled={busy || slot.summary === 'deploying'} onClick={() => void deploy()}>
                Deploy
              </button>
            )}
            <button type="button" disabled={busy || slot.release === null} onClick={() => void run(() => api.restart(slot.slot), `slot ${slot.slot} restarted`)}>
              Restart
            </button>
            {slot.state === 'stopped' ? (
              <button type="button" disabled={busy} onClick={() => void run(() => api.start(slot.slot), `slot ${slot.slot} started`)}>
                Start
              </button>
            ) : (
              <button type="button" disabled={busy || slot.release === null} onClick={() => void run(() => api.stop(slot.slot), `slot ${slot.slot} stopped`)}>
                Stop
              </button>
            )}
            <a className="button" {...linkTo(`/slots/${slot.slot}/logs`)}>
              Logs
            </a>
          </div>
        </>
      )}
    </article>
  );
}

function repoName(repo: string): string {
  return repo.replace(/\.git$/, '').split(/[/:]/).slice(-2).join('/');
}
