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
import './styles.css';

async function boot(): Promise<Shell> {
  const started = performance.now();
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

function Root({ shell }: { shell: Shell }) {
  const [view, setView] = useState<ViewModel | null>(shell.view);
  const [error, setError] = useState<ShellError | null>(null);
  useEffect(() => {
    const offView = shell.onView(setView);
    const offError = shell.onError(setError);
    return () => {
      offView();
      offError();
    };
  }, [shell]);
  return <App view={view} error={error} send={(e) => shell.send(e)} clearError={() => setError(null)} />;
}

const root = createRoot(document.getElementById('root') as HTMLElement);
boot()
  .then((shell) => {
    (window as unknown as { kiesdag: Shell }).kiesdag = shell;
    root.render(
      <StrictMode>
        <Root shell={shell} />
      </StrictMode>,
    );
  })
  .catch((error: unknown) => {
    root.render(
      <main className="loading">
        <p role="alert">Kiesdag kon niet starten / could not start: {String(error)}</p>
      </main>,
    );
  });

if ('serviceWorker' in navigator) registerSW({ immediate: true });
