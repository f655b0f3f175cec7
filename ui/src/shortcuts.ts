// Keyboard shortcuts that act on the page in view: Ctrl/⌘+S and Ctrl/⌘+D, and "g s" to the grid.
import { useEffect, useRef } from 'react';
import { navigate } from './router.js';

/** Calls the handler for Ctrl/⌘ + key while the component is mounted (the browser's own action is prevented). */
export function useModKey(key: string, handler: () => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === key) {
        event.preventDefault();
        latest.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [key]);
}

let lastG = 0;
window.addEventListener('keydown', (event) => {
  const typing = event.target instanceof HTMLElement && ['INPUT', 'TEXTAREA', 'SELECT'].includes(event.target.tagName);
  if (typing || event.ctrlKey || event.metaKey) return;
  if (event.key === 'g') lastG = Date.now();
  else if (event.key === 's' && Date.now() - lastG < 1000) navigate('/');
});
