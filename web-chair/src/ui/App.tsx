// The app's frame around every screen: station and clock, connection and sync state,
// the core's notice and issues, the confirmation of warnings, and the navigation the
// core allows. Which screen shows is the core's Page, never a decision of the shell.
import { useEffect, useRef } from 'react';
import type { Event, IssueView, ViewModel } from '../generated/types/shared_types';
import type { ShellError } from '../core/shell';
import { Issues } from './components';
import { SayContext, sayIn, useSay } from './texts';
import { Activation } from './screens/Activation';
import { BallotStock } from './screens/BallotStock';
import { Closing } from './screens/Closing';
import { Day } from './screens/Day';
import { Incidents } from './screens/Incidents';
import { Opening } from './screens/Opening';
import { Result } from './screens/Result';
import { Staff } from './screens/Staff';
import { Summary } from './screens/Summary';
import { Sync } from './screens/Sync';
import { Turnout } from './screens/Turnout';

export function App({
  view,
  error,
  send,
  clearError,
  update = null,
}: {
  view: ViewModel | null;
  error: ShellError | null;
  send: (e: Event) => void;
  clearError: () => void;
  /** A new version waits: reload into it (offered, never done on its own). */
  update?: (() => void) | null;
}) {
  const language = view?.language.kind ?? 'Dutch';
  const say = sayIn(language);
  useEffect(() => {
    document.documentElement.lang = language === 'English' ? 'en' : 'nl';
  }, [language]);
  // Focus the new screen's title when the core moves to another screen.
  const screen = view?.screen.kind;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('screen-title')?.focus();
  }, [screen]);
  // On a phone the navigation scrolls sideways: keep the current screen's item in view.
  useEffect(() => {
    document.querySelector('nav [aria-current="page"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [screen]);
  if (error?.kind === 'gave_up') {
    return (
      <main className="loading">
        <p role="alert">
          {say('gave_up')} ({error.message})
        </p>
      </main>
    );
  }
  if (view === null || view.loading) {
    return (
      <main className="loading" aria-busy="true">
        <p>{say('loading')}</p>
      </main>
    );
  }
  const page = view.page;
  return (
    <SayContext.Provider value={say}>
      <header className="top">
        <div>
          <div className="station-name">{view.station?.station_name ?? say('app_name')}</div>
          <div className="clock">{view.clock}</div>
          {/* The control room's number, on every screen, for when the app is not enough. */}
          {view.control_room_phone !== null && (
            <div className="phone">
              <a href={`tel:${view.control_room_phone.replace(/[^+\d]/g, '')}`} data-testid="control-room-phone">
                {say('control_room_phone', view.control_room_phone)}
              </a>
            </div>
          )}
        </div>
        <button
          type="button"
          className="secondary"
          lang={language === 'Dutch' ? 'en' : 'nl'}
          onClick={() => send({ kind: 'SetLanguage', value: { kind: language === 'Dutch' ? 'English' : 'Dutch' } })}
        >
          {say('language_switch')}
        </button>
      </header>
      <StatusBar view={view} send={send} />
      {view.busy && <div className="busy" role="progressbar" aria-label={say('loading')} />}
      {update !== null && <Banner text={say('update_available')} isError={false} action={say('update_reload')} onDismiss={update} />}
      {error !== null && <Banner text={say('core_error', error.message)} isError onDismiss={clearError} />}
      {view.notice !== null && <Banner text={view.notice.text} isError={view.notice.is_error} onDismiss={() => send({ kind: 'DismissNotice' })} />}
      {/* The device's clock is off: shown until it is set right, not dismissable. */}
      {view.clock_warning !== null && <Banner text={view.clock_warning} isError />}
      <Issues issues={view.issues} />
      <nav aria-label="Kiesdag">
        <ul>
          {view.navigation.map((item) => (
            <li key={item.screen.kind}>
              <button
                type="button"
                aria-current={item.screen.kind === view.screen.kind ? 'page' : undefined}
                disabled={!item.enabled}
                onClick={() => send({ kind: 'Navigate', value: item.screen })}
              >
                {item.label}
                {item.badge > 0 && <span className="badge"> {item.badge}</span>}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main>
        {page.kind === 'Activation' && <Activation view={page.value} station={view.station} send={send} />}
        {page.kind === 'Opening' && <Opening view={page.value} send={send} />}
        {page.kind === 'Day' && <Day view={page.value} issues={view.issues} send={send} />}
        {page.kind === 'Turnout' && <Turnout view={page.value} send={send} />}
        {page.kind === 'BallotStock' && <BallotStock view={page.value} send={send} />}
        {page.kind === 'Staff' && <Staff view={page.value} send={send} />}
        {page.kind === 'Incidents' && <Incidents view={page.value} send={send} />}
        {page.kind === 'Result' && <Result view={page.value} send={send} />}
        {page.kind === 'Closing' && <Closing view={page.value} send={send} />}
        {page.kind === 'Sync' && <Sync view={page.value} send={send} />}
        {page.kind === 'Summary' && <Summary view={page.value} send={send} />}
      </main>
      {view.confirmation !== null && <Confirmation title={view.confirmation.title} warnings={view.confirmation.warnings} send={send} />}
    </SayContext.Provider>
  );
}

/**
 * The warnings the chair must confirm before a report is made. Focus starts on Cancel
 * (one Enter never confirms warnings unread), stays in the dialog (Tab wraps), Escape
 * cancels, and focus returns to where it was when the dialog closes.
 */
function Confirmation({ title, warnings, send }: { title: string; warnings: IssueView[]; send: (e: Event) => void }) {
  const say = useSay();
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    dialog.current?.querySelector<HTMLButtonElement>('button')?.focus();
    return () => before?.focus?.();
  }, []);
  const keys = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      send({ kind: 'CancelConfirmation' });
    } else if (e.key === 'Tab') {
      const buttons = [...(dialog.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
      const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
      const next = e.shiftKey ? (at <= 0 ? buttons.length - 1 : at - 1) : (at + 1) % buttons.length;
      e.preventDefault();
      buttons[next]?.focus();
    }
  };
  return (
    <div className="dialog-backdrop">
      <div ref={dialog} role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" className="dialog" onKeyDown={keys}>
        <h2 id="confirm-title">{title}</h2>
        <Issues issues={warnings} />
        <div className="dialog-actions">
          <button type="button" className="secondary" onClick={() => send({ kind: 'CancelConfirmation' })}>
            {say('cancel')}
          </button>
          <button type="button" className="big" onClick={() => send({ kind: 'ConfirmWarnings' })}>
            {say('confirm')}
          </button>
        </div>
      </div>
    </div>
  );
}

/**
 * Connection and what is still to be received, always in view. The core's label says
 * what is wrong (no network, a server that does not answer, cannot store, or is busy)
 * and that reports are kept; tap to try a connection now when offline or when the
 * server does not answer (a busy server is left to the core's slower pace).
 */
function StatusBar({ view, send }: { view: ViewModel; send: (e: Event) => void }) {
  const say = sayIn(view.language.kind);
  const state = view.connection.state.kind;
  const tone = state === 'Online' ? 'ok' : state === 'Connecting' || state === 'ServerBusy' ? 'wait' : 'bad';
  const canReconnect = state === 'Offline' || state === 'ServerNotAnswering' || state === 'ServerCannotStore';
  const pending = view.sync.saving + view.sync.pending + view.sync.sent;
  return (
    <div className={`status status-${tone}`} data-connection={state} data-pending={pending}>
      <div className="status-connection">
        {/* Announced when the connection's state changes, not at every retry or report. */}
        <strong role="status">{view.connection.label}</strong>
        {view.connection.retry_in_seconds !== null && <span> · {say('retry_in', view.connection.retry_in_seconds)}</span>}
      </div>
      <div className="status-sync">{view.sync.label}</div>
      {canReconnect && (
        <button type="button" className="secondary" onClick={() => send({ kind: 'ReconnectNow' })}>
          {say('reconnect')}
        </button>
      )}
    </div>
  );
}

function Banner({ text, isError, onDismiss, action }: { text: string; isError: boolean; onDismiss?: () => void; action?: string }) {
  const say = useSay();
  return (
    <div className={isError ? 'banner banner-error' : 'banner'} role={isError ? 'alert' : 'status'}>
      <span>{text}</span>
      {onDismiss && (
        <button type="button" className="secondary" onClick={onDismiss}>
          {action ?? say('dismiss')}
        </button>
      )}
    </div>
  );
}
