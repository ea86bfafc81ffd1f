import { Component, useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiError, SessionExpired } from './api/client';
import { useI18n } from './i18n';

export function time(ms: number | null | undefined): string {
  if (!ms) return '–';
  return new Date(ms).toLocaleTimeString('nl-NL', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function num(n: number | null | undefined): string {
  return n == null ? '–' : n.toLocaleString('nl-NL');
}

/** Loads data, with a visible error instead of a blank page; reloads when `deps` change. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): {
  data: T | null;
  error: string | null;
  reload: () => void;
} {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    run().then(
      (d) => {
        if (live) {
          setData(d);
          setError(null);
        }
      },
      (e: unknown) => {
        if (!live || e instanceof SessionExpired) return;
        setError(e instanceof ApiError ? `${e.message} (${e.code})` : String(e));
      },
    );
    return () => {
      live = false;
    };
  }, [run, tick]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}

export function ErrorMessage({ error, retry }: { error: string; retry?: () => void }) {
  const { t } = useI18n();
  return (
    <div role="alert" className="error">
      <strong>{t('errorTitle')}</strong>: {error}{' '}
      {retry && (
        <button type="button" onClick={retry}>
          {t('errorRetry')}
        </button>
      )}
    </div>
  );
}

/** A render error shows a message, never a blank page. */
export class Boundary extends Component<{ children: ReactNode }, { error: string | null }> {
  state = { error: null as string | null };
  static getDerivedStateFromError(e: unknown) {
    return { error: String(e) };
  }
  render() {
    if (this.state.error)
      return (
        <div role="alert" className="error">
          <strong>Er ging iets mis / Something went wrong</strong>: {this.state.error}{' '}
          <button type="button" onClick={() => this.setState({ error: null })}>
            Opnieuw / Retry
          </button>
        </div>
      );
    return this.props.children;
  }
}
