import { memo, useLayoutEffect, useMemo, useState } from 'react';
import { loadSession } from '../api/client';
import type { StationSummary } from '../api/types';
import { ALERT_KIND, useI18n, type Key, type T } from '../i18n';
import { turnoutOf } from '../payload';
import { useLive } from '../live/context';
import { asksForAction, query, statusOf, STATUSES, type ListQuery, type SortKey, type Status } from '../live/state';
import { mayOpen } from '../access';
import { AlertItem, useAlerts } from './Alerts';
import { navigate } from '../router';
import { Boundary, ErrorMessage, num, time } from '../util';
import { StationMap } from './StationMap';
import { describeQueue, isLong } from '../finder';
import { formatTime } from '../format';

const SORTS: SortKey[] = ['number', 'name', 'status', 'turnout', 'ballots', 'district'];
const MAX_ROWS = 100;

function go(id: string) {
  navigate(`/stations/${id}`);
}

/** One row; re-rendered only when its station's summary or its alerts change. */
const Row = memo(function Row({ s, canOpen, status, label, reasons, t }: { s: StationSummary; canOpen: boolean; status: Status; label: string; reasons: string; t: T }) {
  return (
    <tr data-station={s.station_id}>
      <td>{s.number}</td>
      <td>
        {canOpen ? (
          <a href={`/stations/${s.station_id}`} onClick={(e) => { e.preventDefault(); go(s.station_id); }}>
            {s.name}
          </a>
        ) : (
          s.name
        )}
      </td>
      <td>{s.district ?? '–'}</td>
      <td>
        <span className={`badge badge-${status}`}>{label}</span>
        {reasons && (
          <div className="reasons" data-testid="reasons">
            {reasons}
          </div>
        )}
      </td>
      <td data-testid="turnout">{num(s.turnout)}</td>
      <td>{num(s.ballots_remaining)}</td>
      <td>{s.members_present}</td>
      <td>{s.open_incidents}</td>
      <td data-testid="queue" className={s.queue && isLong(s.queue.length) ? 'queue-long' : undefined}>
        {s.queue ? `${describeQueue(s.queue.length, t)} (${formatTime(s.queue.reported_at, undefined, false)})` : '–'}
      </td>
    </tr>
  );
});

export function ControlRoom() {
  const { t } = useI18n();
  const live = useLive();
  const state = live.state;
  const [q, setQ] = useState<ListQuery>({ text: '', status: '', sort: 'status', descending: false });
  const { alerts, error } = useAlerts(live.version);
  // The stations with alerts no one resolved are the problems: on the map, in the
  // counts, in the list.
  const flagged = useMemo(() => new Set(alerts.filter(asksForAction).map((a) => a.station_id)), [alerts]);
  const stations = useMemo(() => (state ? [...state.stations.values()] : []), [state, live.version]);
  const rows = useMemo(() => (state ? query(state, q, flagged) : []), [state, q, live.version, flagged]);
  const counts = useMemo(() => {
    const c = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
    for (const s of stations) c[statusOf(s, flagged)] += 1;
    return c;
  }, [stations, flagged, live.version]);
  // Each station's reasons, in Dutch or English: which alert, its figure, since when.
  const reasons = useMemo(() => {
    const by = new Map<string, string[]>();
    for (const a of alerts) {
      if (a.handled?.status === 'resolved') continue;
      const line = `${t(ALERT_KIND[a.kind])}: ${a.detail}${a.since ? ` (${time(a.since)})` : ''}`;
      by.set(a.station_id, [...(by.get(a.station_id) ?? []), line]);
    }
    return by;
  }, [alerts, t]);
  const role = loadSession()?.role;
  const canOpen = role !== undefined && mayOpen('/stations/', role);
  // Frame-to-screen timings, read by the browser benchmark: from a frame's arrival to
  // the DOM updated, and to just after the next paint (a task queued from the next
  // animation frame runs once that frame is drawn).
  useLayoutEffect(() => {
    const arrived = live.connection?.lastFrameAt;
    if (!arrived || !state) return;
    const committed = performance.now() - arrived;
    const timings = (window.__kiesdagTimings ??= []);
    requestAnimationFrame(() => setTimeout(() => timings.push({ version: live.version, committed, painted: performance.now() - arrived }), 0));
  }, [live.version]);

  if (!state) return <p role="status">{t('loading')}</p>;
  const sortHeader = (key: SortKey, label: Key) => (
    <th scope="col" aria-sort={q.sort === key ? (q.descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="link" onClick={() => setQ({ ...q, sort: key, descending: q.sort === key ? !q.descending : false })}>
        {t(label)}
      </button>
    </th>
  );

  return (
    <>
      <h1>{t('controlTitle')}</h1>
      <section aria-labelledby="counts">
        <h2 id="counts">{t('countsTitle')}</h2>
        <ul className="counts">
          {STATUSES.map((s: Status) => (
            <li key={s} className={`count count-${s}`}>
              <button type="button" aria-pressed={q.status === s} onClick={() => setQ({ ...q, status: q.status === s ? '' : s })}>
                <span className="n" data-testid={`count-${s}`}>
                  {counts[s]}
                </span>{' '}
                {t(`status_${s}`)}
              </button>
            </li>
          ))}
        </ul>
      </section>
      <div className="columns">
        <section aria-labelledby="map" className="card">
          <h2 id="map">{t('mapTitle')}</h2>
          <Boundary scope="part">
            <StationMap stations={stations} version={live.version} linked={canOpen} flagged={flagged} />
          </Boundary>
          <p>
            <a href="#list" onClick={(e) => { e.preventDefault(); document.getElementById('list-search')?.focus(); }}>
              {t('toList')}
            </a>
          </p>
          <ul className="legend">
            {STATUSES.map((s) => (
              <li key={s}>
                <span className={`swatch dot-${s}`} aria-hidden="true" /> {t(`status_${s}`)}
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="alerts" className="card">
          <h2 id="alerts">{t('alertsTitle')}</h2>
          {flagged.size > 0 && (
            <p data-testid="alerted-stations">{t('alertedStations', { n: flagged.size })}</p>
          )}
          {error && <ErrorMessage error={error} />}
          {alerts.length === 0 ? (
            <p>{t('noAlerts')}</p>
          ) : (
            <ul className="alerts">
              {alerts.slice(0, 100).map((a) => (
                <AlertItem key={`${a.station_id}-${a.kind}`} a={a} station={state.stations.get(a.station_id)} canOpen={canOpen} />
              ))}
            </ul>
          )}
          <h2>{t('recentTitle')}</h2>
          <ol className="recent" data-testid="recent">
            {state.recent.slice(0, 10).map((c) => (
              <li key={c.seq}>
                {time(c.committed_at)} · {c.station ? `${c.station.number} ${c.station.name}` : c.station_id} · {t(`kind_${c.kind}` as Key)}
                {turnoutOf(c) !== null ? `: ${num(turnoutOf(c))}` : ''}
              </li>
            ))}
          </ol>
        </section>
      </div>
      <section aria-labelledby="list" className="card">
        <h2 id="list">{t('listTitle')}</h2>
        <div className="filters">
          <label>
            {t('filterText')}
            <input id="list-search" type="search" value={q.text} onChange={(e) => setQ({ ...q, text: e.target.value })} />
          </label>
          <label>
            {t('filterStatus')}
            <select value={q.status} onChange={(e) => setQ({ ...q, status: e.target.value as Status | '' })}>
              <option value="">{t('allStatuses')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status_${s}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('sortBy')}
            <select value={q.sort} onChange={(e) => setQ({ ...q, sort: e.target.value as SortKey })}>
              {SORTS.map((s) => (
                <option key={s} value={s}>
                  {t(`sort_${s}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <p className="muted" role="status">
          {t('showing', { shown: Math.min(rows.length, MAX_ROWS), total: rows.length })}
        </p>
        <div className="scroll">
          <table className="stations">
            <thead>
              <tr>
                {sortHeader('number', 'colNumber')}
                {sortHeader('name', 'colName')}
                {sortHeader('district', 'colDistrict')}
                {sortHeader('status', 'colStatus')}
                {sortHeader('turnout', 'colTurnout')}
                {sortHeader('ballots', 'colBallots')}
                <th scope="col">{t('colMembers')}</th>
                <th scope="col">{t('colIncidents')}</th>
                <th scope="col">{t('colQueue')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.slice(0, MAX_ROWS).map((s) => (
                <Row
                  key={s.station_id}
                  s={s}
                  canOpen={canOpen}
                  status={statusOf(s, flagged)}
                  label={t(`status_${statusOf(s, flagged)}`)}
                  reasons={(reasons.get(s.station_id) ?? []).join(' · ')}
                  t={t}
                />
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
