// The app shell: sign-in gate, header and navigation, the page for the current route, keyboard shortcuts.
import { useEffect, useState } from 'react';
import { api, whenSignedOut } from './api.js';
import { closeLive, useConnected } from './live.js';
import { NoticeProvider } from './notices.js';
import { linkTo, useRoute, type Route } from './router.js';
import { AccountPage } from './pages/AccountPage.js';
import { ApiPage } from './pages/ApiPage.js';
import { GridPage } from './pages/GridPage.js';
import { LoginPage } from './pages/LoginPage.js';
import { LogsPage } from './pages/LogsPage.js';
import { SlotPage } from './pages/SlotPage.js';
import { TokensPage } from './pages/TokensPage.js';
import { ShortcutHelp } from './components/ShortcutHelp.js';

type Session = Awaited<ReturnType<typeof api.session>>;

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [problem, setProblem] = useState<string | null>(null);
  const check = () =>
    api
      .session()
      .then((value) => {
        setProblem(null);
        setSession(value);
      })
      .catch((error) => {
        if (error.status === 401) setSession(null);
        else setProblem(error.message);
      });
  useEffect(() => {
    whenSignedOut(() => {
      closeLive();
      setSession(null);
    });
    void check();
  }, []);

  if (problem) {
    return (
      <main className="center-page">
        <h1>berth is not answering</h1>
        <p>{problem}</p>
        <button type="button" onClick={() => void check()}>
          Try again
        </button>
      </main>
    );
  }
  if (session === undefined) return <main className="center-page" aria-busy="true">Loading…</main>;
  return <NoticeProvider>{session ? <Shell session={session} onSignOut={() => setSession(null)} /> : <LoginPage onSignedIn={() => void check()} />}</NoticeProvider>;
}

function Shell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const route = useRoute();
  const connected = useConnected();
  const [help, setHelp] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const typing = event.target instanceof HTMLElement && ['INPUT', 'TEXTAREA', 'SELECT'].includes(event.target.tagName);
      if (event.key === '?' && !typing) setHelp((open) => !open);
      if (event.key === 'Escape') setHelp(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const signOut = async () => {
    await api.logout().catch(() => undefined);
    closeLive();
    onSignOut();
  };
  const current = (page: Route['page']) => (route.page === page ? { 'aria-current': 'page' as const } : {});
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <a className="brand" {...linkTo('/')}>
          berth
        </a>
        <nav aria-label="Main">
          <a {...linkTo('/')} {...current('grid')}>
            Slots
          </a>
          <a {...linkTo('/tokens')} {...current('tokens')}>
            Tokens
          </a>
          <a {...linkTo('/api')} {...current('api')}>
            API
          </a>
          <a {...linkTo('/account')} {...current('account')}>
            Account
          </a>
        </nav>
        <span className={`link-state ${connected ? 'up' : 'down'}`} title={connected ? 'Live updates connected' : 'Reconnecting…'}>
          <span aria-hidden="true">●</span> {connected ? 'live' : 'reconnecting'}
        </span>
        <button type="button" className="ghost" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts">
          ?
        </button>
        <button type="button" className="ghost" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      {!session.passwordSet && (
        <p className="banner" role="note">
          You signed in with a one-time code. <a {...linkTo('/account')}>Set a password</a> to sign in again later.
        </p>
      )}
      <main id="main" tabIndex={-1}>
        {route.page === 'grid' && <GridPage />}
        {route.page === 'slot' && <SlotPage slot={route.slot} tab={route.tab} />}
        {route.page === 'logs' && <LogsPage slot={route.slot} />}
        {route.page === 'tokens' && <TokensPage />}
        {route.page === 'api' && <ApiPage />}
        {route.page === 'account' && <AccountPage />}
      </main>
      {help && <ShortcutHelp onClose={() => setHelp(false)} />}
    </>
  );
}
