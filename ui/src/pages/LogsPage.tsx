// A slot's app log, live: pause and resume, filter by stream and text, errors and warnings highlighted, jump to
// the newest line, download everything berth keeps.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { LogLineView } from '../../../src/sdk/schemas.js';
import { subscribe } from '../live.js';
import { linkTo } from '../router.js';

const KEEP = 5000;
const STREAMS = [
  ['out', 'stdout'],
  ['err', 'stderr'],
  ['sys', 'system'],
] as const;

export function LogsPage({ slot }: { slot: string }) {
  const [lines, setLines] = useState<LogLineView[]>([]);
  const [missed, setMissed] = useState(0);
  const [paused, setPaused] = useState(false);
  const [held, setHeld] = useState<LogLineView[]>([]);
  const [streams, setStreams] = useState({ out: true, err: true, sys: true });
  const [text, setText] = useState('');
  const [atBottom, setAtBottom] = useState(true);
  const [loaded, setLoaded] = useState(false);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    document.title = `logs of ${slot} · berth`;
    setLines([]);
    setLoaded(false);
    return subscribe({ type: 'subscribe', topic: 'logs', slot, tail: 500 }, (message) => {
      if (message.type === 'missed') setMissed((count) => count + message.count);
      if (message.type !== 'logs') return;
      setLoaded(true);
      if (pausedRef.current) setHeld((previous) => [...previous, ...message.lines].slice(-KEEP));
      else setLines((previous) => [...previous, ...message.lines].slice(-KEEP));
    });
  }, [slot]);

  const resume = () => {
    setLines((previous) => [...previous, ...held].slice(-KEEP));
    setHeld([]);
    setPaused(false);
  };
  const shown = useMemo(() => {
    const needle = text.toLowerCase();
    return lines.filter((line) => streams[line.stream] && (!needle || line.text.toLowerCase().includes(needle)));
  }, [lines, streams, text]);
  useEffect(() => {
    if (atBottom && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [shown, atBottom]);
  const toNewest = () => {
    if (paused) resume();
    setAtBottom(true);
    if (box.current) box.current.scrollTop = box.current.scrollHeight;
  };

  return (
    <section className="logs-page">
      <header className="row page-head">
        <h1>
          Logs of <a {...linkTo(`/slots/${slot}`)}>slot {slot}</a>
        </h1>
        <span className="spacer" />
        <a className="button" href={`/api/v1/slots/${encodeURIComponent(slot)}/logs/download`} download>
          Download
        </a>
      </header>
      <div className="row toolbar" role="toolbar" aria-label="Log controls">
        <button type="button" onClick={() => (paused ? resume() : setPaused(true))} aria-pressed={paused}>
          {paused ? `Resume${held.length ? ` (${held.length} new)` : ''}` : 'Pause'}
        </button>
        <fieldset className="row">
          <legend className="visually-hidden">Streams</legend>
          {STREAMS.map(([key, label]) => (
            <label key={key} className="check">
              <input type="checkbox" checked={streams[key]} onChange={(event) => setStreams({ ...streams, [key]: event.target.checked })} /> {label}
            </label>
          ))}
        </fieldset>
        <label className="visually-hidden" htmlFor="log-filter">
          Filter lines
        </label>
        <input id="log-filter" type="search" placeholder="Filter…" value={text} onChange={(event) => setText(event.target.value)} />
        <button type="button" onClick={toNewest} disabled={atBottom && !paused}>
          Jump to newest
        </button>
      </div>
      {missed > 0 && <p className="warn">{missed} older line(s) were rotated away before they could be shown.</p>}
      <div
        className="log log-tall"
        ref={box}
        tabIndex={0}
        role="log"
        aria-label={`Log of slot ${slot}`}
        aria-busy={!loaded}
        onScroll={(event) => {
          const element = event.currentTarget;
          setAtBottom(element.scrollHeight - element.scrollTop - element.clientHeight < 40);
        }}
      >
        {loaded && shown.length === 0 && <p className="muted">{lines.length === 0 ? 'Nothing logged yet.' : 'No line matches the filter.'}</p>}
        {shown.map((line) => (
          <div key={line.seq} className={`log-line stream-${line.stream} ${severity(line)}`}>
            <time dateTime={new Date(line.time).toISOString()}>{new Date(line.time).toLocaleTimeString()}</time>
            <span className="log-stream">{line.stream}</span>
            <span className="log-text">{line.text}</span>
          </div>
        ))}
      </div>
    </section>
  );
}

function severity(line: LogLineView): string {
  if (line.stream === 'err' || /\b(error|fatal|exception|failed)\b/i.test(line.text)) return 'line-error';
  if (/\bwarn(ing)?\b/i.test(line.text)) return 'line-warn';
  return '';
}
