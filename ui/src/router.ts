// A small client-side router over the History API: the path is the state, links push it, back/forward work.
import { useEffect, useState } from 'react';

export type Route = { page: 'grid' } | { page: 'slot'; slot: string; tab: string } | { page: 'logs'; slot: string } | { page: 'tokens' } | { page: 'api' } | { page: 'account' };

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'slots' && parts[1]) return parts[2] === 'logs' ? { page: 'logs', slot: parts[1] } : { page: 'slot', slot: parts[1], tab: parts[2] ?? 'overview' };
  if (parts[0] === 'tokens') return { page: 'tokens' };
  if (parts[0] === 'api') return { page: 'api' };
  if (parts[0] === 'account') return { page: 'account' };
  return { page: 'grid' };
}

export function navigate(path: string): void {
  if (path === location.pathname) return;
  history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return route;
}

/** Props for an <a> that navigates inside the app (a plain link when opened in a new tab). */
export function linkTo(path: string) {
  return {
    href: path,
    onClick: (event: { preventDefault(): void; metaKey: boolean; ctrlKey: boolean; shiftKey: boolean; button: number }) => {
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      navigate(path);
    },
  };
}
