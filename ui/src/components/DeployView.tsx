// One deployment, live: its stages with durations, and its build log streaming in as it is written.
import { useEffect, useRef, useState } from 'react';
import type { Deployment } from '../../../src/sdk/schemas.js';
import { duration, shortSha, who } from '../format.js';
import { subscribe } from '../live.js';

interface LogLine {
  n: number;
  text: string;
}

const FINISHED = new Set(['succeeded', 'failed', 'cancelled', 'superseded', 'abandoned']);

export function DeployView({ id, onCancel }: { id: string; onCancel?: () => void }) {
  const [deployment, setDeployment] = useState<Deployment | null>(null);
  const [lines, setLines] = useState<LogLine[]>([]);
  const [now, setNow] = useState(Date.now());
  const logRef = useRef<HTMLPreElement>(null);
  const stick = useRef(true);

  useEffect(() => {
    setDeployment(null);
    setLines([]);
    return subscribe({ type: 'subscribe', topic: 'deployment', id }, (message) => {
      if (message.type === 'deployment') setDeployment(message.deployment);
      if (message.type === 'deployment-log') setLines((previous) => [...previous, ...message.lines].slice(-5000));
    });
  }, [id]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    const element = logRef.current;
    if (element && stick.current) element.scrollTop = element.scrollHeight;
  }, [lines]);

  if (!deployment) return <p aria-busy="true">Loading deployment {id}…</p>;
  const finished = FINISHED.has(deployment.status);
  return (
    <section className="deploy-view" aria-label={`Deployment ${id}`}>
      <header className="row">
        <h3>
          Deployment <code>{id}</code>
        </h3>
        <span className={`badge badge-${deployment.status}`} data-status={deployment.status}>
          {deployment.status}
        </span>
        <span className="muted">
          {who(deployment.trigger, deployment.actor)}
          {deployment.commit && (
            <>
              {' · '}
              <code>{shortSha(deployment.commit.sha)}</code> {deployment.commit.subject}
            </>
          )}
        </span>
        {!finished && onCancel && (
          <button type="button" className="danger ghost" onClick={onCancel}>
            Cancel
          </button>
        )}
      </header>
      <ol className="stages">
        {deployment.stages.map((stage) => (
          <li key={`${stage.name}-${stage.startedAt}`} className={stage.finishedAt === undefined ? 'running' : stage.ok ? 'ok' : 'failed'} data-stage={stage.name}>
            <span className="stage-mark" aria-hidden="true">
              {stage.finishedAt === undefined ? '◌' : stage.ok ? '✓' : '✗'}
            </span>
            <span className="stage-name">{stage.name}</span>
            <span className="stage-time">{duration((stage.finishedAt ?? now) - stage.startedAt)}</span>
            {stage.note && <span className="muted"> {stage.note}</span>}
          </li>
        ))}
        {!finished && deployment.stages.length === 0 && <li className="running">waiting for its turn…</li>}
      </ol>
      {deployment.warnings.length > 0 && (
        <ul className="warnings" aria-label="Warnings">
          {deployment.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}
      {deployment.error && (
        <div className="error-box" role="alert">
          <strong>{deployment.error.message.split('\n')[0]}</strong>
          <p>{deployment.error.remedy}</p>
        </div>
      )}
      <pre
        className="log"
        ref={logRef}
        tabIndex={0}
        aria-label="Build log"
        onScroll={(event) => {
          const element = event.currentTarget;
          stick.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
        }}
      >
        {lines.map((line) => (
          <div key={line.n} className={lineClass(line.text)}>
            {line.text}
          </div>
        ))}
      </pre>
    </section>
  );
}

function lineClass(text: string): string {
  if (/^✗|error|ERR!/i.test(text)) return 'line-error';
  if (/warn/i.test(text)) return 'line-warn';
  if (/^[▸✓]/.test(text)) return 'line-stage';
  return '';
}
