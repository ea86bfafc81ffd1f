import { useState, type FormEvent } from 'react';
import { getJson, postJson } from '../api/client';
import type { ChangeView, StationTimeline } from '../api/types';
import { useDraft } from '../drafts';
import { ALERT_KIND, ALERT_STATUS, useI18n, type Key, type T } from '../i18n';
import { useLive } from '../live/context';
import { asksForAction, statusOf } from '../live/state';
import { AlertItem, useAlerts } from './Alerts';
import { describePresence } from '../presence';
import { describeQueue } from '../finder';
import { actionOf, reportOf } from '../payload';
import { navigate } from '../router';
import { Boundary, ErrorMessage, num, time, useLoad } from '../util';

/** One line about an event, for the timeline; empty for one without its payload. */
export function describe(c: ChangeView, t: T): string {
  const r = reportOf(c);
  if (r) {
    if ('turnout' in r) return num(r.turnout.count);
    if ('ballot_stock' in r) return `${num(r.ballot_stock.received)} / ${num(r.ballot_stock.remaining)}`;
    if ('resupply_request' in r) return num(r.resupply_request.quantity);
    if ('incident' in r) return r.incident.text;
    if ('incident_message' in r) return r.incident_message.text;
    if ('presence' in r) return describePresence(r.presence, t);
    if ('queue' in r) return describeQueue(r.queue.length, t);
    return '';
  }
  const a = actionOf(c);
  switch (a?.action) {
    case 'message':
      return `${a.from}: ${a.text}`;
    case 'incident_status':
      return `${t(`istatus_${a.status}`)}${a.assignee ? ` (${a.assignee})` : ''}`;
    case 'resupply_dispatched':
      return `${num(a.quantity)} ${a.note}`;
    case 'alert_handled':
      return `${t(ALERT_KIND[a.kind])}: ${t(ALERT_STATUS[a.status])} (${a.by}) — ${a.detail}`;
    default:
      return '';
  }
}

function MessageRow({ m }: { m: ChangeView }) {
  const { t } = useI18n();
  return (
    <>
      {time(m.committed_at)} · {describe(m, t)}
    </>
  );
}

function TimelineRow({ e }: { e: ChangeView }) {
  const { t } = useI18n();
  return (
    <>
      <time dateTime={new Date(e.recorded_at).toISOString()}>{time(e.recorded_at)}</time> · <strong>{t(`kind_${e.kind}` as Key)}</strong> {describe(e, t)}
    </>
  );
}

function Stock({ received, remaining }: { received: number | null | undefined; remaining: number | null | undefined }) {
  const { t } = useI18n();
  return (
    <dl>
      <dt>{t('received')}</dt>
      <dd>{num(received)}</dd>
      <dt>{t('remaining')}</dt>
      <dd>{num(remaining)}</dd>
    </dl>
  );
}

function Members({ names }: { names: string[] }) {
  return (
    <ul data-testid="members-present">
      {names.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

function Messages({ events }: { events: ChangeView[] }) {
  const { t } = useI18n();
  const messages = events.filter((e) => e.kind === 'message' || e.kind === 'incident_message');
  if (messages.length === 0) return <p>{t('noMessages')}</p>;
  return (
    <ul>
      {messages.map((m) => (
        <li key={m.seq}>
          <Boundary scope="row">
            <MessageRow m={m} />
          </Boundary>
        </li>
      ))}
    </ul>
  );
}

function Timeline({ events }: { events: ChangeView[] }) {
  return (
    <ol className="timeline" data-testid="timeline">
      {[...events].reverse().map((e) => (
        <li key={e.seq} data-kind={e.kind}>
          <Boundary scope="row">
            <TimelineRow e={e} />
          </Boundary>
        </li>
      ))}
    </ol>
  );
}

export function StationDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const live = useLive();
  const summary = live.state?.stations.get(id);
  // Reload whenever this station changes on the live stream.
  const { data, error, reload } = useLoad(
    () => getJson<StationTimeline>(`/api/stations/${encodeURIComponent(id)}/timeline`),
    [id, summary?.last_event_seq],
  );
  const [text, setText, clearText] = useDraft(`message.${id}`);
  const [quantity, setQuantity] = useState('200');
  const [note, setNote, clearNote] = useDraft(`resupply.${id}`);
  const [actionError, setActionError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { alerts, error: alertsError, reload: reloadAlerts } = useAlerts(live.version);

  const act = async (e: FormEvent, path: string, body: unknown, after: () => void) => {
    e.preventDefault();
    setActionError(null);
    try {
      await postJson(path, body);
      after();
      setDone(t('sent'));
      reload();
    } catch (err) {
      setActionError(String((err as Error).message ?? err));
    }
  };

  if (error && !data) return <ErrorMessage error={error} retry={reload} />;
  if (!data) return <p role="status">{t('loading')}</p>;
  const s = summary ?? data.station;
  const mine = alerts.filter((a) => a.station_id === id);
  // Red for the same reasons as on the control room's map: an alert no one resolved.
  const status = statusOf(s, new Set(mine.filter(asksForAction).map((a) => a.station_id)));
  return (
    <>
      <p>
        <a href="/control" onClick={(e) => { e.preventDefault(); navigate('/control'); }}>
          ← {t('back')}
        </a>
      </p>
      <h1>
        {t('stationTitle', { number: s.number, name: s.name })} <span className={`badge badge-${status}`}>{t(`status_${status}`)}</span>
      </h1>
      <p className="muted">
        {data.location} · {s.district ?? ''} · {t('colTurnout')}: {num(s.turnout)} / {num(s.expected_voters)}
      </p>
      {error && <ErrorMessage error={error} retry={reload} />}
      <section className="card" aria-labelledby="station-alerts">
        <h2 id="station-alerts">{t('alertsTitle')}</h2>
        {alertsError && <ErrorMessage error={alertsError} />}
        {mine.length === 0 ? (
          <p>{t('noAlerts')}</p>
        ) : (
          <ul className="alerts">
            {mine.map((a) => (
              <AlertItem key={a.kind} a={a} station={s} canOpen={false} canHandle onHandled={reloadAlerts} />
            ))}
          </ul>
        )}
      </section>
      <div className="columns">
        <section className="card" aria-labelledby="stock">
          <h2 id="stock">{t('stockTitle')}</h2>
          <Boundary scope="part">
            <Stock received={data.ballots_received} remaining={s.ballots_remaining} />
          </Boundary>
          <h2>{t('staffTitle')}</h2>
          <Boundary scope="part">
            <Members names={data.members_present} />
          </Boundary>
        </section>
        <section className="card" aria-labelledby="messages">
          <h2 id="messages">{t('messagesTitle')}</h2>
          <Boundary scope="part">
            <Messages events={data.events} />
          </Boundary>
          <form onSubmit={(e) => act(e, `/api/municipalities/${s.municipality_code}/messages`, { station_ids: [id], text }, clearText)}>
            <label>
              {t('sendMessage')}
              <textarea name="message" value={text} onChange={(e) => setText(e.target.value)} required />
            </label>
            <button type="submit">{t('send')}</button>
          </form>
          <h2>{t('resupplyTitle')}</h2>
          <form onSubmit={(e) => act(e, `/api/stations/${encodeURIComponent(id)}/resupply`, { quantity: Number(quantity), note }, clearNote)}>
            <label>
              {t('quantity')}
              <input type="number" min={1} value={quantity} onChange={(e) => setQuantity(e.target.value)} required />
            </label>
            <label>
              {t('note')}
              <input value={note} onChange={(e) => setNote(e.target.value)} />
            </label>
            <button type="submit">{t('dispatch')}</button>
          </form>
          {actionError && <ErrorMessage error={actionError} />}
          {done && <p role="status">{done}</p>}
        </section>
      </div>
      <section className="card" aria-labelledby="timeline">
        <h2 id="timeline">{t('timelineTitle')}</h2>
        <Boundary scope="part">
          <Timeline events={data.events} />
        </Boundary>
      </section>
    </>
  );
}
