// What happened to a slot and who did it (deploys, state changes, env and settings changes, reveals), live.
import { useEffect, useState } from 'react';
import type { z } from 'zod';
import type { eventSchema } from '../../../src/sdk/schemas.js';
import { api } from '../api.js';
import { ago } from '../format.js';
import { subscribe } from '../live.js';

type EventView = z.infer<typeof eventSchema>;

export function Activity({ slot }: { slot: string }) {
  const [events, setEvents] = useState<EventView[] | null>(null);
  useEffect(() => {
    let stop = () => undefined as void;
    let cancelled = false;
    void api.events(slot).then((initial) => {
      if (cancelled) return;
      setEvents(initial.reverse());
      // Follow from the newest event already shown, so none is missed or shown twice.
      stop = subscribe({ type: 'subscribe', topic: 'events', after: initial.reduce((max, event) => Math.max(max, event.id), 0) }, (message) => {
        if (message.type !== 'events') return;
        const mine = message.events.filter((event) => event.slot === slot);
        if (mine.length > 0) setEvents((previous) => [...mine.reverse(), ...(previous ?? [])].slice(0, 50));
      });
    }, () => setEvents([]));
    return () => {
      cancelled = true;
      stop();
    };
  }, [slot]);
  if (!events) return <p aria-busy="true">Loading activity…</p>;
  return (
    <section className="activity" aria-label="Activity">
      <h2>Activity</h2>
      {events.length === 0 ? (
        <p className="muted">Nothing yet.</p>
      ) : (
        <ul>
          {events.slice(0, 20).map((event) => (
            <li key={event.id}>
              <time dateTime={new Date(event.at).toISOString()} title={new Date(event.at).toLocaleString()}>
                {ago(event.at)}
              </time>{' '}
              <span className="muted">{event.actor ?? 'berth'}</span> {event.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
