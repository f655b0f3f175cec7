// Messages for the user after an action: success briefly, errors until dismissed, with the remedy berth gave.
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { ApiError } from './api.js';

interface Notice {
  id: number;
  kind: 'ok' | 'error';
  text: string;
  remedy?: string;
}

const NoticeContext = createContext<{ ok(text: string): void; fail(error: unknown): void }>({ ok: () => undefined, fail: () => undefined });
export const useNotices = () => useContext(NoticeContext);

let nextId = 1;

export function NoticeProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const dismiss = (id: number) => setNotices((all) => all.filter((notice) => notice.id !== id));
  const ok = useCallback((text: string) => {
    const id = nextId++;
    // A success replaces earlier errors: they were about what the user has now fixed or moved past.
    setNotices((all) => [...all.filter((notice) => notice.kind !== 'error').slice(-3), { id, kind: 'ok', text }]);
    setTimeout(() => dismiss(id), 4000);
  }, []);
  const fail = useCallback((error: unknown) => {
    const id = nextId++;
    const text = error instanceof Error ? error.message : String(error);
    setNotices((all) => [...all.slice(-3), { id, kind: 'error', text, remedy: error instanceof ApiError ? error.remedy : undefined }]);
  }, []);
  return (
    <NoticeContext.Provider value={{ ok, fail }}>
      {children}
      <div className="notices" aria-live="polite">
        {notices.map((notice) => (
          <div key={notice.id} className={`notice notice-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
            <div>
              <strong>{notice.text}</strong>
              {notice.remedy && <p>{notice.remedy}</p>}
            </div>
            <button type="button" className="icon" aria-label="Dismiss" onClick={() => dismiss(notice.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </NoticeContext.Provider>
  );
}

/** Runs an action with a busy flag, reporting success or failure. */
/** Runs an action with a busy flag and a notice; `reload`, when given, refreshes the view after it, success or not. */
export function useAction(reload?: () => Promise<unknown>) {
  const notices = useNotices();
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async <T,>(work: () => Promise<T>, success?: string | ((result: T) => string)): Promise<T | undefined> => {
      setBusy(true);
      let result: T | undefined;
      try {
        result = await work();
        if (success) notices.ok(typeof success === 'function' ? success(result) : success);
      } catch (error) {
        notices.fail(error);
      } finally {
        setBusy(false);
      }
      await reload?.();
      return result;
    },
    [notices, reload],
  );
  return { busy, run };
}
