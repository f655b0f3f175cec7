// One WebSocket to the daemon for everything live. Subscriptions remember their cursors; after a drop (network,
// daemon restart, or the daemon cutting a slow reader) the socket reconnects and subscribes again from those cursors,
// so views miss nothing and see nothing twice.
import { useEffect, useState } from 'react';
import type { LiveMessage, LiveRequest, SlotStatus } from '../../src/sdk/schemas.js';
import { api } from './api.js';

type Subscribe = Extract<LiveRequest, { type: 'subscribe' }>;
interface Subscription {
  request: Subscribe;
  onMessage: (message: LiveMessage) => void;
}

const listeners = new Set<(connected: boolean) => void>();
const subscriptions = new Set<Subscription>();
let socket: WebSocket | null = null;
let connected = false;
let retryMs = 500;

function setConnected(value: boolean): void {
  connected = value;
  listeners.forEach((listener) => listener(value));
}

function matches(subscription: Subscription, message: LiveMessage): boolean {
  const { request } = subscription;
  switch (message.type) {
    case 'slots':
      return request.topic === 'slots';
    case 'events':
      return request.topic === 'events';
    case 'logs':
      return request.topic === 'logs' && request.slot === message.slot;
    case 'missed':
      return request.topic === message.topic && (!message.slot || (request.topic === 'logs' && request.slot === message.slot));
    case 'deployment':
      return request.topic === 'deployment' && request.id === message.deployment.id;
    case 'deployment-log':
      return request.topic === 'deployment' && request.id === message.id;
    case 'error':
      return false;
  }
}

/** Moves the subscription's cursor past what a message delivered, for the next reconnect. */
function advance(subscription: Subscription, message: LiveMessage): void {
  const request = subscription.request;
  if ((message.type === 'events' && request.topic === 'events') || (message.type === 'logs' && request.topic === 'logs') || (message.type === 'deployment-log' && request.topic === 'deployment')) {
    subscription.request = { ...request, after: message.cursor } as Subscribe;
  }
}

function connect(): void {
  if (socket) return;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/live`;
  const current = new WebSocket(url);
  socket = current;
  current.onopen = () => {
    retryMs = 500;
    setConnected(true);
    subscriptions.forEach((subscription) => current.send(JSON.stringify(subscription.request)));
  };
  current.onmessage = (event) => {
    const message = JSON.parse(String(event.data)) as LiveMessage;
    if (message.type === 'error') console.warn('berth live:', message.message);
    for (const subscription of subscriptions) {
      if (!matches(subscription, message)) continue;
      advance(subscription, message);
      subscription.onMessage(message);
    }
  };
  current.onclose = () => {
    socket = null;
    setConnected(false);
    // A refused upgrade looks like any drop: ask the API, which sends the app to the sign-in page on a 401.
    void api.session().catch(() => undefined);
    if (subscriptions.size > 0) setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 8000);
  };
}

/** The slot or deployment a request is about: the daemon keys its streams by topic and this. */
const target = (request: Subscribe) => ('slot' in request ? { slot: request.slot } : 'id' in request ? { id: request.id } : {});
const keyOf = (request: Subscribe) => `${request.topic}:${JSON.stringify(target(request))}`;

/** Subscribes until the returned function is called; the socket opens with the first subscription. */
export function subscribe(request: Subscribe, onMessage: (message: LiveMessage) => void): () => void {
  const subscription: Subscription = { request, onMessage };
  subscriptions.add(subscription);
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(request));
  else connect();
  return () => {
    subscriptions.delete(subscription);
    // Several views may follow the same stream (every page shows the slots): the daemon stops it with the last one.
    const stillWanted = [...subscriptions].some((other) => keyOf(other.request) === keyOf(request));
    if (!stillWanted && socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'unsubscribe', topic: request.topic, ...target(request) }));
  };
}

export function closeLive(): void {
  subscriptions.clear();
  socket?.close();
}

export function useConnected(): boolean {
  const [value, setValue] = useState(connected);
  useEffect(() => {
    listeners.add(setValue);
    return () => void listeners.delete(setValue);
  }, []);
  return value;
}

/** Every slot, live; null until the first snapshot arrives. */
export function useSlots(): SlotStatus[] | null {
  const [slots, setSlots] = useState<SlotStatus[] | null>(null);
  useEffect(() => subscribe({ type: 'subscribe', topic: 'slots' }, (message) => message.type === 'slots' && setSlots(message.slots)), []);
  return slots;
}
