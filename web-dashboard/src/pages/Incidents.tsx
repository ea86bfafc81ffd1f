import { useEffect, useState, type FormEvent } from 'react';
import { getJson, loadSession, postJson } from '../api/client';
import type { ChangeView, Coordinator } from '../api/types';
import { useDraft } from '../drafts';
import { useI18n } from '../i18n';
import { formatAge, formatDateTime } from '../format';
import { assigneeOptions, categoryKey, foldIncidents, INCIDENT_STATUSES, severityKey, worklist, type Incident, type IncidentStatus } from '../incidents';
import { useLive } from '../live/context';
import { navigate } from '../router';
import { Boundary, ErrorMessage, time, useLoad } from '../util';

const KINDS = new Set(['incident', 'incident_message', 'incident_status', 'message']);

function IncidentCard({ incident, stationName, coordinators, now, onDone }: { incident: Incident; stationName: string; coordinators: Coordinator[]; now: number; onDone: () => void }) {
  const { t } = useI18n();
  const [reply, setReply, clearReply] = useDraft(`reply.${incident.incidentId}`);
  const me = loadSession()?.username ?? null;
  const [assignee, setAssignee] = useState(incident.assignee ?? me ?? '');
  // Someone else may assign it meanwhile: show who has it now.
  useEffect(() => setAssignee(incident.assignee ?? me ?? ''), [incident.assignee, me]);
  const [error, setError] = useState<string | null>(null);
  const municipality = loadSession()?.municipality ?? '';
  const options = assigneeOptions(coordinators, incident.assignee, me);

  const setStatus = async (status: IncidentStatus) => {
    setError(null);
    try {
      await postJson(`/api/stations/${encodeURIComponent(incident.stationId)}/incidents/${encodeURIComponent(incident.incidentId)}/status`, {
        status,
        assignee: assignee || null,
      });
      onDone();
    } catch (e) {
      setError(String((e as Error).message ?? e));
    }
  };
  const send = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await postJson(`/api/municipalities/${municipality}/messages`, {
        station_ids: [incident.stationId],
        incident_id: incident.incidentId,
        text: reply,
      });
      clearReply();
      onDone();
    } catch (err) {
      setError(String((err as Error).message ?? err));
    }
  };
  const headingId = `incident-${incident.incidentId}`;
  return (
    <article className={`card incident incident-${incident.status}`} aria-labelledby={headingId} data-incident={incident.incidentId}>
      <h3 id={headingId}>
        <a href={`/stations/${incident.stationId}`} onClick={(e) => { e.preventDefault(); navigate(`/stations/${incident.stationId}`); }}>
          {stationName}
        </a>
        : {incident.text}
      </h3>
      <p className="meta">
        <strong data-testid="incident-status">{t(`istatus_${incident.status}`)}</strong>
        {incident.status !== 'resolved' && (
          <span>
            {t('age')}: <span data-testid="incident-age">{formatAge(incident.reportedAt, now)}</span>
          </span>
        )}
        <span>
          {t('assignee')}: <span data-testid="incident-assignee">{incident.assignee ?? t('unassigned')}</span>
        </span>
        <span data-testid="incident-kind">
          {t('category')}: {t(categoryKey(incident.category))}
        </span>
        <span data-testid="incident-severity" className={`severity-${incident.severity}`}>
          {t('severity')}: {t(severityKey(incident.severity))}
        </span>
        <span>
          {t('reportedAt')}: <time dateTime={new Date(incident.reportedAt).toISOString()}>{formatDateTime(incident.reportedAt)}</time>
        </span>
      </p>
      <div className="row">
        <label>
          {t('assignee')}
          <select value={assignee} onChange={(e) => setAssignee(e.target.value)}>
            <option value="">{t('unassigned')}</option>
            {options.map((o) => (
              <option key={o.username} value={o.username}>
                {o.administrator ? `${o.username} (${t('administrator')})` : o.username}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={assignee === (incident.assignee ?? '')} onClick={() => void setStatus(incident.status === 'new' ? 'acknowledged' : incident.status)}>
          {t('assign')}
        </button>
        <div role="group" aria-label={t('setStatus')}>
          {INCIDENT_STATUSES.filter((s) => s !== 'new').map((s) => (
            <button key={s} type="button" disabled={incident.status === s} onClick={() => void setStatus(s)}>
              {t(`istatus_${s}`)}
            </button>
          ))}
        </div>
      </div>
      <h4>{t('thread')}</h4>
      <ul className="thread">
        {incident.messages.map((m) => (
          <li key={m.seq} className={`msg msg-${m.from}`}>
            {time(m.at)} · {m.from === 'station' ? stationName : m.author}: {m.text}
          </li>
        ))}
      </ul>
      <form onSubmit={send}>
        <label>
          {t('reply')}
          <textarea value={reply} onChange={(e) => setReply(e.target.value)} required />
        </label>
        <button type="submit">{t('send')}</button>
      </form>
      {error && <ErrorMessage error={error} />}
    </article>
  );
}

function Broadcast({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const live = useLive();
  const [text, setText, clearText] = useDraft('broadcast');
  // "All stations" is a choice of its own, confirmed before sending; never the
  // fallback of an empty or mistyped selection.
  const [toAll, setToAll] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [selection, setSelection] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const municipality = loadSession()?.municipality ?? '';
  const stations = [...(live.state?.stations.values() ?? [])];
  const numbers = [...new Set(selection.split(/[,\s]+/).filter(Boolean))];
  const known = new Set(stations.map((s) => String(s.number)));
  const unknown = numbers.filter((n) => !known.has(n));
  const ids = stations.filter((s) => numbers.includes(String(s.number))).map((s) => s.station_id);
  const count = toAll ? stations.length : ids.length;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setResult(null);
    if (!toAll && unknown.length > 0) {
      setError(`${t('unknownNumbers')} ${unknown.join(', ')}`);
      return;
    }
    if (!toAll && ids.length === 0) {
      setError(t('noRecipients'));
      return;
    }
    if (toAll && !confirming) {
      setConfirming(true);
      return;
    }
    try {
      await postJson(`/api/municipalities/${municipality}/messages`, toAll ? { all_stations: true, text } : { station_ids: ids, text });
      clearText();
      setConfirming(false);
      setResult(`${t('sent')} ${t('willReach')} ${count}`);
      onDone();
    } catch (err) {
      setError(String((err as Error).message ?? err));
    }
  };
  return (
    <section className="card" aria-labelledby="broadcast">
      <h2 id="broadcast">{t('broadcastTitle')}</h2>
      <form onSubmit={submit}>
        <fieldset>
          <legend>{t('recipients')}</legend>
          <label className="inline">
            <input type="radio" name="to" checked={toAll} onChange={() => { setToAll(true); setConfirming(false); }} /> {t('toAll')}
          </label>
          <label className="inline">
            <input type="radio" name="to" checked={!toAll} onChange={() => { setToAll(false); setConfirming(false); }} /> {t('toSelection')}
          </label>
          {!toAll && (
            <label>
              {t('toSelection')}
              <input value={selection} onChange={(e) => setSelection(e.target.value)} placeholder="1, 4, 12" />
            </label>
          )}
        </fieldset>
        <label>
          {t('messageText')}
          <textarea value={text} onChange={(e) => setText(e.target.value)} required />
        </label>
        <p data-testid="broadcast-count">
          {t('willReach')} {count}
        </p>
        {confirming && <p role="alert">{t('confirmAll')}</p>}
        <button type="submit">{confirming ? t('sendToAll') : t('send')}</button>
      </form>
      {result && <p role="status">{result}</p>}
      {error && <ErrorMessage error={error} />}
    </section>
  );
}

export function Incidents() {
  const { t } = useI18n();
  const live = useLive();
  const municipality = loadSession()?.municipality ?? '';
  const latest = live.state?.recent.find((c) => KINDS.has(c.kind))?.seq ?? 0;
  // A snapshot may stand for incidents the feed never carried (a long gap): reload.
  const snapshots = live.state?.snapshots ?? 0;
  const { data, error, reload } = useLoad(() => getJson<ChangeView[]>(`/api/municipalities/${municipality}/incidents`), [municipality, latest, snapshots]);
  // Without the list (an error), the select still offers oneself and the current assignee.
  const coordinators = useLoad(() => getJson<Coordinator[]>(`/api/municipalities/${municipality}/coordinators`), [municipality]);
  const [district, setDistrict] = useState('');
  // The ages shown move on without a new event.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  if (error && !data) return <ErrorMessage error={error} retry={reload} />;
  if (!data) return <p role="status">{t('loading')}</p>;
  const { incidents } = foldIncidents(data);
  const name = (id: string) => {
    const s = live.state?.stations.get(id);
    return s ? `${s.number} ${s.name}` : id;
  };
  const districtOf = (id: string) => live.state?.stations.get(id)?.district;
  const districts = [...new Set([...(live.state?.stations.values() ?? [])].map((s) => s.district).filter((d): d is string => !!d))].sort((a, b) => a.localeCompare(b));
  const { open, resolved } = worklist(incidents, districtOf, district);
  const queue = (id: string, title: string, list: Incident[]) => (
    <section aria-labelledby={id} data-testid={id}>
      <h2 id={id}>
        {title} ({list.length})
      </h2>
      {list.length === 0 ? (
        <p className="muted">{t('noIncidents')}</p>
      ) : (
        list.map((i) => (
          <Boundary key={i.incidentId} scope="part">
            <IncidentCard incident={i} stationName={name(i.stationId)} coordinators={coordinators.data ?? []} now={now} onDone={reload} />
          </Boundary>
        ))
      )}
    </section>
  );
  return (
    <>
      <h1>{t('incidentsTitle')}</h1>
      {error && <ErrorMessage error={error} retry={reload} />}
      <div className="columns">
        <div>
          <div className="filters">
            <label>
              {t('filterDistrict')}
              <select value={district} onChange={(e) => setDistrict(e.target.value)} data-testid="incident-district">
                <option value="">{t('allDistricts')}</option>
                {districts.map((d) => (
                  <option key={d} value={d}>
                    {d}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {queue('queue-open', t('worklistOpen'), open)}
          {queue('queue-resolved', t('worklistResolved'), resolved)}
        </div>
        <Boundary scope="part">
          <Broadcast onDone={reload} />
        </Boundary>
      </div>
    </>
  );
}
