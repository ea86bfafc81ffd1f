// The control room's alerts: fetched from the server (at most once a second, and every
// 15 s for the clock's sake), and shown with who saw or resolved them.
import { useEffect, useState } from 'react';
import { getJson, loadSession, postJson } from '../api/client';
import type { Alert, StationSummary } from '../api/types';
import { ALERT_KIND, useI18n } from '../i18n';
import { navigate } from '../router';
import { ErrorMessage, time } from '../util';

export function useAlerts(version: number): { alerts: Alert[]; error: string | null; reload: () => void } {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), 15_000);
    return () => clearInterval(timer);
  }, []);
  // At most one fetch a second however fast changes arrive, and always one after the
  // last change: a change in the same second as a fetch is fetched at the second's end.
  const [bucket, setBucket] = useState(0);
  useEffect(() => {
    const wait = 1000 - (Date.now() % 1000);
    const timer = setTimeout(() => setBucket(Math.floor(Date.now() / 1000)), wait);
    return () => clearTimeout(timer);
  }, [version]);
  useEffect(() => {
    const session = loadSession();
    if (!session) return;
    let live = true;
    getJson<Alert[]>(`/api/municipalities/${session.municipality}/alerts`).then(
      (a) => {
        if (live) {
          setAlerts(a);
          setError(null);
        }
      },
      (e: unknown) => live && setError(String((e as Error).message ?? e)),
    );
    return () => {
      live = false;
    };
  }, [tick, bucket]);
  return { alerts, error, reload: () => setTick((t) => t + 1) };
}

function go(id: string) {
  navigate(`/stations/${id}`);
}

type AlertStatus = NonNullable<Alert['handled']>['status'];

/**
 * One alert, with who saw or resolved it. On the station's page (`canHandle`), the
 * buttons to see or resolve it: there, with the station's timeline beside it, rather
 * than in the control room's list, where they would add two tab stops per alert.
 * What is recorded is the alert as it reads on screen: if it has changed since, the
 * server refuses and the new reading is shown.
 */
export function AlertItem({ a, station, canOpen, canHandle = false, onHandled }: { a: Alert; station: StationSummary | undefined; canOpen: boolean; canHandle?: boolean; onHandled?: () => void }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // On the station's own page (`canHandle`) the station goes without saying.
  // A correction's reason is the chair's own words, sent to the control room only.
  const what = `${t(ALERT_KIND[a.kind])} — ${a.detail}${a.reason ? ` — “${a.reason}”` : ''}`;
  const label = canHandle ? what : `${station ? `${station.number} ${station.name}` : a.station_id}: ${what}`;
  const handle = async (status: AlertStatus) => {
    setBusy(true);
    setError(null);
    try {
      await postJson(`/api/stations/${encodeURIComponent(a.station_id)}/alerts`, { kind: a.kind, status, detail: a.detail });
      onHandled?.();
    } catch (e) {
      setError(String((e as Error).message ?? e));
      onHandled?.();
    } finally {
      setBusy(false);
    }
  };
  const resolved = a.handled?.status === 'resolved';
  return (
    <li className={`alert alert-${a.kind}${resolved ? ' alert-resolved' : ''}`} data-testid="alert" data-kind={a.kind} data-station={a.station_id}>
      {resolved ? '✓ ' : ''}
      {canOpen ? (
        <a href={`/stations/${a.station_id}`} onClick={(e) => { e.preventDefault(); go(a.station_id); }}>
          {label}
        </a>
      ) : (
        label
      )}
      {a.since ? <span className="muted"> · {time(a.since)}</span> : null}
      {a.handled && (
        <span className="handled" data-testid="handled">
          {' · '}
          {a.handled.by
            ? t(resolved ? 'alertResolvedBy' : 'alertSeenBy', { by: a.handled.by, at: time(a.handled.at) })
            : t(resolved ? 'alertResolvedAt' : 'alertSeenAt', { at: time(a.handled.at) })}
        </span>
      )}
      {canHandle && !resolved && (
        <span className="alert-actions">
          {a.handled?.status !== 'acknowledged' && (
            <button type="button" className="small" disabled={busy} aria-label={`${t('alertSeen')}: ${label}`} onClick={() => void handle('acknowledged')}>
              {t('alertSeen')}
            </button>
          )}
          {a.resolvable ? (
            <button type="button" className="small" disabled={busy} aria-label={`${t('alertResolve')}: ${label}`} onClick={() => void handle('resolved')}>
              {t('alertResolve')}
            </button>
          ) : (
            <span className="muted" data-testid="settled-by">
              {t(a.kind === 'open_incidents' ? 'alertSettledIncidents' : 'alertSettledBallots')}
            </span>
          )}
        </span>
      )}
      {error && <ErrorMessage error={error} />}
    </li>
  );
}
