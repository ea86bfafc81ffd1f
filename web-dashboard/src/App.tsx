import { useEffect, useMemo, useState } from 'react';
import { PAGES, mayOpen, pageRoles } from './access';
import { chooseMunicipality, expire, loadSession, onSession, refresh, saveSession, setApiLanguage, type Session } from './api/client';
import { setFormatLanguage } from './format';
import { I18n, translate, useI18n, type Key, type Lang } from './i18n';
import { LiveContext, type Live } from './live/context';
import { LiveConnection, type ConnectionStatus } from './live/socket';
import type { LiveState } from './live/state';
import { ChooseMunicipality } from './pages/ChooseMunicipality';
import { ControlRoom } from './pages/ControlRoom';
import { Incidents } from './pages/Incidents';
import { Login } from './pages/Login';
import { Public } from './pages/Public';
import { Finder } from './pages/Finder';
import { Answer } from './pages/Answer';
import { Convocations } from './pages/Convocations';
import { CountingOffices } from './pages/CountingOffices';
import { Results } from './pages/Results';
import { StationDetail } from './pages/StationDetail';
import { Turnout } from './pages/Turnout';
import { navigate, usePath } from './router';
import { Boundary, time } from './util';

declare global {
  interface Window {
    __kiesdag?: { connection: LiveConnection | null; state: () => LiveState | null };
    __kiesdagTimings?: { version: number; committed: number; painted: number }[];
  }
}

function useLang(): [Lang, (l: Lang) => void] {
  const [lang, setLang] = useState<Lang>(() => {
    const stored: Lang = localStorage.getItem('kiesdag.lang') === 'en' ? 'en' : 'nl';
    setApiLanguage(stored); // before the pages' first requests, whose effects run first
    setFormatLanguage(stored);
    return stored;
  });
  useEffect(() => {
    localStorage.setItem('kiesdag.lang', lang);
    document.documentElement.lang = lang;
    setApiLanguage(lang);
  }, [lang]);
  return [lang, setLang];
}

function useSession(): Session | null {
  const [session, setSession] = useState(loadSession);
  useEffect(() => onSession(setSession), []);
  return session;
}

function useLiveConnection(session: Session | null): Live {
  const [live, setLive] = useState<Live>({
    state: null,
    version: 0,
    status: 'connecting',
    lastChange: null,
    connection: null,
    storage: null,
  });
  const signedIn = session !== null;
  const municipality = session?.municipality ?? null;
  useEffect(() => {
    // No municipality yet (an unbound administrator who has not chosen): nothing to follow.
    if (!signedIn || municipality === null) return;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/dashboard`;
    let tokenTried = false;
    const connection: LiveConnection = new LiveConnection({
      url,
      municipality,
      token: async () => loadSession()?.accessToken ?? null,
      onState: (state) =>
        setLive((l) => ({ ...l, state, version: l.version + 1, lastChange: Date.now(), connection })),
      onStatus: (status: ConnectionStatus) => setLive((l) => ({ ...l, status, connection })),
      onExpired: () => {
        // The access token may only have expired: refresh once, else sign in again.
        if (tokenTried) return expire();
        tokenTried = true;
        void refresh().then((s) => (s ? connection.start() : expire()));
      },
      onError: () => {},
      onStorage: (storage) => setLive((l) => ({ ...l, storage: storage.storing ? null : storage })),
    });
    window.__kiesdag = { connection, state: () => connection.state };
    setLive((l) => ({ ...l, connection }));
    connection.start();
    const reset = setInterval(() => (tokenTried = false), 60_000);
    return () => {
      clearInterval(reset);
      connection.stop();
    };
  }, [signedIn, municipality]);
  return live;
}

/** The server cannot store reports: said loudly, with since when and why. */
function StorageAlarm({ live }: { live: Live }) {
  const { t } = useI18n();
  if (!live.storage) return null;
  const since = live.storage.failingSince ? time(live.storage.failingSince) : '';
  return (
    <p className="storage-alarm" role="alert" data-testid="storage-alarm">
      {t('storageAlarm', { time: since })} {live.storage.reason ? `(${live.storage.reason})` : ''}
    </p>
  );
}

function StatusPill({ live }: { live: Live }) {
  const { t } = useI18n();
  return (
    <p className={`pill pill-${live.status}`} role="status" aria-live="polite" data-connection={live.status}>
      <span aria-hidden="true" className="dot" /> {t(`connection_${live.status}` as Key)}
      {live.lastChange && <span className="muted"> · {t('lastUpdate', { time: time(live.lastChange) })}</span>}
    </p>
  );
}

/** The municipality code in a public address (/public/GM0599): empty when there is none,
 * or when the address does not decode (a stray "%"), so the visitor is asked instead. */
function pathCode(path: string): string {
  try {
    return decodeURIComponent(path.split('/')[2] ?? '');
  } catch {
    return '';
  }
}

export function App() {
  const [lang, setLang] = useLang();
  const session = useSession();
  const path = usePath();
  const live = useLiveConnection(session && !path.startsWith('/public') && !path.startsWith('/stembureaus') && !path.startsWith('/antwoord') ? session : null);
  const i18n = useMemo(() => {
    // Figures follow the language in the same render as the words (idempotent).
    setFormatLanguage(lang);
    return { lang, setLang, t: (k: Key, v?: Record<string, string | number>) => translate(lang, k, v) };
  }, [lang, setLang]);
  const t = i18n.t;

  useEffect(() => {
    if (session && (path === '/' || path === '/login')) navigate('/control');
  }, [session, path]);

  // The first tab stop of every page: past the header to the content.
  const skip = (
    <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
      {t('skip')}
    </a>
  );

  const switcher = (
    <button type="button" className="lang" lang={lang === 'nl' ? 'en' : 'nl'} aria-label={t('languageLabel')} onClick={() => setLang(lang === 'nl' ? 'en' : 'nl')}>
      {t('language')}
    </button>
  );

  if (path.startsWith('/antwoord')) {
    // A convoked person's answer: no sign-in, their personal code is the access.
    return (
      <I18n.Provider value={i18n}>
        {skip}
        <header className="top">
          <span className="brand">{t('appName')}</span>
          {switcher}
        </header>
        <main id="main" tabIndex={-1}>
          <Boundary>
            <Answer />
          </Boundary>
        </main>
      </I18n.Provider>
    );
  }

  if (path.startsWith('/stembureaus')) {
    // The finder: public, one municipality's stations; without a code the visitor chooses.
    const code = pathCode(path);
    return (
      <I18n.Provider value={i18n}>
        {skip}
        <header className="top">
          <span className="brand">{t('appName')}</span>
          {switcher}
        </header>
        <main id="main" tabIndex={-1}>
          <Boundary key={code}>
            {code ? <Finder code={code} /> : <ChooseMunicipality intro={t('chooseFinder')} onChoose={(c) => navigate(`/stembureaus/${c}`)} />}
          </Boundary>
        </main>
      </I18n.Provider>
    );
  }

  if (path.startsWith('/public')) {
    // The code is in the address; without one the visitor chooses, never a default.
    const code = pathCode(path);
    return (
      <I18n.Provider value={i18n}>
        {skip}
        <header className="top">
          <span className="brand">{t('appName')}</span>
          {switcher}
        </header>
        <main id="main" tabIndex={-1}>
          <Boundary key={code}>
            {code ? <Public code={code} /> : <ChooseMunicipality intro={t('choosePublic')} onChoose={(c) => navigate(`/public/${c}`)} />}
          </Boundary>
        </main>
      </I18n.Provider>
    );
  }

  if (!session) {
    return (
      <I18n.Provider value={i18n}>
        {skip}
        <header className="top">
          <span className="brand">{t('appName')}</span>
          {switcher}
        </header>
        <main id="main" tabIndex={-1}>
          <Login />
        </main>
      </I18n.Provider>
    );
  }

  const allowed = mayOpen(path, session.role);
  let content;
  if (!allowed) content = <p role="alert" className="error">{t('forbidden')}</p>;
  else if (session.municipality === null) content = <ChooseMunicipality intro={t('chooseStaff')} onChoose={chooseMunicipality} />;
  else if (path === '/incidents') content = <Incidents />;
  else if (path === '/convocations') content = <Convocations />;
  else if (path === '/turnout') content = <Turnout />;
  else if (path === '/results') content = <Results />;
  else if (path === '/telbureaus') content = <CountingOffices />;
  else if (path.startsWith('/stations/')) content = <StationDetail id={decodeURIComponent(path.slice('/stations/'.length))} />;
  else content = <ControlRoom />;

  return (
    <I18n.Provider value={i18n}>
      <LiveContext.Provider value={live}>
        {skip}
        <header className="top">
          <span className="brand">{t('appName')}</span>
          <nav aria-label={t('nav')}>
            <ul>
              {PAGES.filter((p) => p.nav && pageRoles(p).includes(session.role) && (!p.concerns || !session.municipality || p.concerns(session.municipality))).map((p) => (
                <li key={p.nav!.href}>
                  <a
                    href={p.nav!.href}
                    aria-current={p.match(path) ? 'page' : undefined}
                    onClick={(e) => {
                      e.preventDefault();
                      navigate(p.nav!.href);
                    }}
                  >
                    {t(p.nav!.label)}
                  </a>
                </li>
              ))}
              {session.municipality && (
                <li>
                  <a href={`/public/${session.municipality}`}>{t('navPublic')}</a>
                </li>
              )}
              {session.chosen && session.municipality && (
                <li>
                  <button type="button" className="link-light" onClick={() => chooseMunicipality(null)}>
                    {t('otherMunicipality')} ({session.municipality})
                  </button>
                </li>
              )}
            </ul>
          </nav>
          <StatusPill live={live} />
          <StorageAlarm live={live} />
          {switcher}
          <button type="button" onClick={() => saveSession(null)} className="logout">
            {t('logout')} ({session.username})
          </button>
        </header>
        <main id="main" tabIndex={-1}>
          {/* Keyed by the page: a page that failed is tried afresh when another opens. */}
          <Boundary key={path}>{content}</Boundary>
        </main>
      </LiveContext.Provider>
    </I18n.Provider>
  );
}
