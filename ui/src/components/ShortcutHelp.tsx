// The list of keyboard shortcuts, opened with "?".
import { useEffect, useRef } from 'react';

const SHORTCUTS: Array<[string, string]> = [
  ['?', 'show or hide this list'],
  ['Ctrl/⌘ + S', 'save the settings form'],
  ['Ctrl/⌘ + D', 'deploy the slot you are looking at'],
  ['g then s', 'go to the slot grid'],
  ['Esc', 'close dialogs'],
];

export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <div className="overlay" onClick={onClose}>
      <div className="dialog card" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" onClick={(event) => event.stopPropagation()}>
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <dl className="shortcuts">
          {SHORTCUTS.map(([keys, what]) => (
            <div key={keys}>
              <dt>
                <kbd>{keys}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
        <button type="button" ref={close} onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
