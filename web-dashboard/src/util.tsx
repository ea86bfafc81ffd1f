import { Component, useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiError, SessionExpired } from './api/client';
import { useI18n } from './i18n';

import { formatNumber, formatTime } from './format';

/** A clock time in the UI language (src/format.ts). */
export function time(ms: number | null | undefined): string {
  return formatTime(ms);
}

/** A count in the UI language: "12.345" in Dutch (src/format.ts). */
export function num(n: number | null | undefined): string {
  return formatNumber(n);
}

/**
 * A table that may be wider than a phone: it scrolls inside its own box (a focusable,
 * named region, so a keyboard can scroll it too), never the page sideways.
 */
export function Wide({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
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

/** What a boundary shows instead of what failed: the page, a part of it, or one line. */
export type BoundaryScope = 'page' | 'part' | 'row';

function BoundaryFallback({ scope, error, retry }: { scope: BoundaryScope; error: string; retry: () => void }) {
  const { t } = useI18n();
  const label = t(scope === 'page' ? 'pageError' : scope === 'part' ? 'partError' : 'rowError');
  if (scope === 'row')
    return (
      <span role="alert" className="error row-error" data-boundary={scope} title={error}>
        {label}
      </span>
    );
  return (
    <div role="alert" className="error" data-boundary={scope}>
      <strong>{label}</strong>: {error}{' '}
      <button type="button" onClick={retry}>
        {t('errorRetry')}
      </button>
    </div>
  );
}

/**
 * A render error shows a message, never a blank page: around every page (reset when
 * the page changes, by its key), around each part of a page and around each line
 * built from the live data, so that one bad line leaves the rest of the page.
 */
export class Boundary extends Component<{ children: ReactNode; scope?: BoundaryScope }, { error: string | null }> {
  state = { error: null as string | null };
  static getDerivedStateFromError(e: unknown) {
    return { error: String(e) };
  }
  componentDidCatch(error: unknown) {
    console.error('render failed', error);
  }
  render() {
    if (this.state.error)
      return <BoundaryFallback scope={this.props.scope ?? 'page'} error={this.state.error} retry={() => this.setState({ error: null })} />;
    return this.props.children;
  }
}
