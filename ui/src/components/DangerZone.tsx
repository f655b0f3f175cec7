// Clearing a slot: its app stops, its releases, env and settings go. Typing the slot name confirms it.
import { useState } from 'react';
import { api } from '../api.js';
import { useAction } from '../notices.js';
import { navigate } from '../router.js';

export function DangerZone({ slot }: { slot: string }) {
  const [typed, setTyped] = useState('');
  const { busy, run } = useAction();
  return (
    <div className="panel danger-zone">
      <h2>Clear slot {slot}</h2>
      <p>The app stops, and its releases, env variables and settings are removed. Deployment history and events stay. This cannot be undone.</p>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          void run(() => api.clear(slot), `slot ${slot} cleared`).then((done) => done && navigate('/'));
        }}
      >
        <label htmlFor="confirm-clear">Type “{slot}” to confirm</label>
        <input id="confirm-clear" value={typed} onChange={(event) => setTyped(event.target.value)} autoComplete="off" />
        <button type="submit" className="danger" disabled={busy || typed !== slot}>
          Clear slot {slot}
        </button>
      </form>
    </div>
  );
}
