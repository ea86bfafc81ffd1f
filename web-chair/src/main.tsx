// Starts the chair's app: compiles the core (WebAssembly), opens the device's storage
// (IndexedDB), starts the shell and renders every view model the core sends. The
// service worker keeps the app itself available with no network.
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { registerSW } from 'virtual:pwa-register';
import wasmUrl from '../core/pkg/chair_core.wasm?url';
import { Shell, browserTransport, type ShellError } from './core/shell';
import { IndexedDbStore } from './core/storage';
import type { ViewModel } from './generated/types/shared_types';
import { App } from './ui/App';
import { sayIn } from './ui/texts';
import './styles.css';

/** Asks the browser to keep the device's storage (queued reports) under storage pressure. */
function keepStorage(): void {
  void navigator.storage?.persist?.().catch(() => false);
}

async function boot(): Promise<Shell> {
  const started = performance.now();
  keepStorage();
  const response = await fetch(wasmUrl);
  if (!response.ok) throw new Error(`the core could not be loaded (${response.status})`);
  const module = await WebAssembly.compile(await response.arrayBuffer());
  const store = await IndexedDbStore.open();
  const shell = new Shell(module, {
    store,
    transport: browserTransport,
    now: () => Date.now(),
    random: (into) => crypto.getRandomValues(into),
  });
  // When the first screen showed (since navigation began), and how much of it the
  // core's loading and start took: read by the benchmark (e2e/bench-start.mjs).
  const off = shell.onView((view) => {
    if (!view.loading) {
      performance.mark('kiesdag:first-screen');
      performance.measure('kiesdag:core-start', { start: started });
      off();
    }
  });
  await shell.start();
  return shell;
}

/** A new version of the app is installed and waits: reload when the chair says so. */
let offerUpdate: (() => void) | null = null;
let updateReady = false;
const updateSW = 'serviceWorker' in navigator ? registerSW({ immediate: true, onNeedRefresh: () => ((updateReady = true), offerUpdate?.()) }) : null;

function Root({ shell }: { shell: Shell }) {
  const [view, setView] = useState<ViewModel | null>(shell.view);
  const [error, setError] = useState<ShellError | null>(null);
  const [update, setUpdate] = useState(updateReady);
  useEffect(() => {
    const offView = shell.onView(setView);
    const offError = shell.onError(setError);
    // A view that came before this subscription.
    setView(shell.view);
    offerUpdate = () => setUpdate(true);
    // Back online: try at once rather than at the next retry.
    const online = () => shell.send({ kind: 'ReconnectNow' });
    window.addEventListener('online', online);
    return () => {
      offView();
      offError();
      offerUpdate = null;
      window.removeEventListener('online', online);
    };
  }, [shell]);
  return (
    <App
      view={view}
      error={error}
      send={(e) => shell.send(e)}
      clearError={() => setError(null)}
      update={update && updateSW !== null ? () => void updateSW(true) : null}
    />
  );
}

function Stopped({ text }: { text: string }) {
  return (
    <main className="loading">
      <p role="alert">{text}</p>
    </main>
  );
}

const root = createRoot(document.getElementById('root') as HTMLElement);

function run(): Promise<void> {
  return boot()
    .then((shell) => {
      (window as unknown as { kiesdag: Shell }).kiesdag = shell;
      root.render(
        <StrictMode>
          <Root shell={shell} />
        </StrictMode>,
      );
      // Held for the page's life: a second window must not run a second core over the
      // same storage (two cores would number their reports alike).
      return new Promise<void>(() => {});
    })
    .catch((error: unknown) => {
      root.render(<Stopped text={`Kiesdag kon niet starten / could not start: ${String(error)}`} />);
    });
}

if ('locks' in navigator) {
  void navigator.locks.request('kiesdag-chair', { ifAvailable: true }, (lock) => {
    if (lock === null) {
      const say = sayIn(navigator.language.toLowerCase().startsWith('en') ? 'English' : 'Dutch');
      root.render(<Stopped text={say('other_window')} />);
      return undefined;
    }
    return run();
  });
} else {
  void run();
}
