// The public polling-station finder: no sign-in. Search by place, district, postcode
// or street, or by the browser's location (nearest first); address, hours,
// accessibility and a map; on the day whether each station is open and its queue with
// its age, as the chairs report it. The page shows only what the server sends, and
// the server sends nothing else of a station's state.
import { useEffect, useMemo, useState } from 'react';
import { getPublic } from '../api/client';
import { formatDecimal, formatAge } from '../format';
import { accessibilityFacts, electionDate, electionTime, isLong, matches, ordered, queueWords, stationDistance, type Finder as FinderView, type FinderStation, type Order, type Origin } from '../finder';
import { useI18n } from '../i18n';
import { ErrorMessage, useLoad } from '../util';
import { mercator, tileUrl } from './StationMap';

// Small units, so that the dots and their numbers stay legible on a phone.
const W = 400;
const H = 260;
/** How often the page asks again (the server keeps an answer 5 s). */
const POLL_MS = 30_000;

type Locating = 'idle' | 'busy' | 'denied' | 'found';

function queueClass(s: FinderStation): string {
  if (s.status !== 'open' || !s.queue || s.queue.outdated) return 'unknown';
  return isLong(s.queue.length) ? 'long' : s.queue.length === 'none' ? 'none' : 'short';
}

function FinderMap({ stations, origin }: { stations: FinderStation[]; origin: Origin | null }) {
  const { t } = useI18n();
  const placed = stations.filter((s) => s.location.latitude != null && s.location.longitude != null);
  if (placed.length === 0) return null;
  const points = placed.map((s) => mercator(s.location.latitude as number, s.location.longitude as number));
  const all = origin ? [...points, mercator(origin.latitude, origin.longitude)] : points;
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of all) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const span = Math.max(maxX - minX, ((maxY - minY) * W) / H, 2e-5) * 1.15;
  const [cx, cy] = [(minX + maxX) / 2, (minY + maxY) / 2];
  const scale = W / span;
  const px = (x: number) => (x - cx) * scale + W / 2;
  const py = (y: number) => (y - cy) * scale + H / 2;
  const tiles: { href: string; x: number; y: number; size: number }[] = [];
  const template = tileUrl();
  if (template) {
    const z = Math.max(0, Math.min(18, Math.floor(Math.log2(scale / 256))));
    const n = 2 ** z;
    const [left, right] = [Math.floor((cx - W / 2 / scale) * n), Math.floor((cx + W / 2 / scale) * n)];
    const [top, bottom] = [Math.floor((cy - H / 2 / scale) * n), Math.floor((cy + H / 2 / scale) * n)];
    if ((right - left + 1) * (bottom - top + 1) <= 64)
      for (let tx = left; tx <= right; tx += 1)
        for (let ty = top; ty <= bottom; ty += 1)
          tiles.push({ href: template.replace('{z}', String(z)).replace('{x}', String(tx)).replace('{y}', String(ty)), x: px(tx / n), y: py(ty / n), size: scale / n });
  }
  const here = origin ? mercator(origin.latitude, origin.longitude) : null;
  // One image for screen readers; the list below holds the same stations as text.
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="map finder-map" role="img" aria-label={t('finderMapLabel', { n: placed.length })}>
      <rect width={W} height={H} className="map-bg" />
      {tiles.map((tile) => (
        <image key={tile.href} href={tile.href} x={tile.x} y={tile.y} width={tile.size} height={tile.size} />
      ))}
      {placed.map((s, i) => (
        <g key={s.id} className={`finder-dot queue-${queueClass(s)}`}>
          <circle cx={px(points[i][0])} cy={py(points[i][1])} r={10} />
          <text x={px(points[i][0])} y={py(points[i][1]) + 4} textAnchor="middle">
            {s.number}
          </text>
        </g>
      ))}
      {here && <circle className="finder-here" cx={px(here[0])} cy={py(here[1])} r={7} />}
    </svg>
  );
}

/** What the dots' colours mean: in words, never by colour alone (the list says it too). */
function Legend({ located }: { located: boolean }) {
  const { t } = useI18n();
  return (
    <ul className="finder-legend">
      <li><span className="swatch queue-short" aria-hidden="true" /> {t('legendQueueShort')}</li>
      <li><span className="swatch queue-long" aria-hidden="true" /> {t('legendQueueLong')}</li>
      <li><span className="swatch queue-unknown" aria-hidden="true" /> {t('legendQueueUnknown')}</li>
      {located && <li><span className="swatch here" aria-hidden="true" /> {t('legendHere')}</li>}
    </ul>
  );
}

function Queue({ s, now }: { s: FinderStation; now: number }) {
  const { t, lang } = useI18n();
  if (s.status !== 'open') return null;
  if (!s.queue) return <p className="queue queue-unknown">{t('queueUnknown')}</p>;
  const words = queueWords(s.queue.length);
  return (
    <p className={`queue queue-${queueClass(s)}`} data-testid="queue">
      <strong>{t(words.key, words.vars)}</strong>{' '}
      <span>
        ({t('queueAge', { age: formatAge(s.queue.reported_at, now, lang) })}
        {s.queue.outdated ? `, ${t('queueOutdated')}` : ''})
      </span>
    </p>
  );
}

function StationCard({ s, origin, now, offset }: { s: FinderStation; origin: Origin | null; now: number; offset: number }) {
  const { t, lang } = useI18n();
  const distance = origin ? stationDistance(s, origin) : null;
  const facts = s.location.accessibility ? accessibilityFacts(s.location.accessibility) : [];
  const { latitude, longitude } = s.location;
  return (
    <li className="card finder-station" data-station={s.id}>
      <h2>
        {s.number}. {s.name}
        {distance != null && <span className="muted"> · {t('finderDistance', { km: formatDecimal(distance, 1, lang) })}</span>}
      </h2>
      <p>
        {s.location.address}, {s.location.postcode} {s.location.city}
        {s.district ? ` (${s.district})` : ''}
      </p>
      <p>
        <span className={`badge fstatus-${s.status}`}>{t(`fstatus_${s.status}`)}</span>{' '}
        {t('finderHours', { date: electionDate(s.opens_at, offset, lang), opens: electionTime(s.opens_at, offset, lang), closes: electionTime(s.closes_at, offset, lang) })}
      </p>
      <Queue s={s} now={now} />
      {s.extra_stops.length > 0 && (
        <p>
          {t('finderStops')} {s.extra_stops.map((l) => `${l.name}, ${l.address} ${l.city}`).join('; ')}
        </p>
      )}
      {(facts.length > 0 || s.location.accessibility?.notes) && (
        <details>
          <summary>{t('finderAccessibility')}</summary>
          {facts.length > 0 && (
            <ul className="facts">
              {facts.map((f) => (
                <li key={f.key}>
                  {t(f.key)}: <strong>{f.yes ? t('a11yYes') : t('a11yNo')}</strong>
                </li>
              ))}
            </ul>
          )}
          {s.location.accessibility?.notes && <p lang="nl">{s.location.accessibility.notes}</p>}
        </details>
      )}
      {latitude != null && longitude != null && (
        <p>
          <a href={`https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=17/${latitude}/${longitude}`} rel="noopener noreferrer" target="_blank">
            {t('finderOnMap')}
          </a>
        </p>
      )}
    </li>
  );
}

export function Finder({ code }: { code: string }) {
  const { t, lang } = useI18n();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), POLL_MS);
    return () => clearInterval(timer);
  }, []);
  const found = useLoad(() => getPublic<FinderView>(`/api/public/municipalities/${encodeURIComponent(code)}/finder`), [code, tick]);
  const [text, setText] = useState('');
  const [wheelchair, setWheelchair] = useState(false);
  const [order, setOrder] = useState<Order>('number');
  const [origin, setOrigin] = useState<Origin | null>(null);
  const [locating, setLocating] = useState<Locating>('idle');
  const data = found.data;
  const shown = useMemo(() => {
    if (!data) return [];
    const kept = data.stations.filter((s) => matches(s, text) && (!wheelchair || s.location.accessibility?.wheelchair === true));
    return ordered(kept, order, origin);
  }, [data, text, wheelchair, order, origin]);
  const locate = () => {
    if (!('geolocation' in navigator)) {
      setLocating('denied');
      return;
    }
    setLocating('busy');
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setOrigin({ latitude: p.coords.latitude, longitude: p.coords.longitude });
        setOrder('distance');
        setLocating('found');
      },
      () => setLocating('denied'),
      { enableHighAccuracy: false, timeout: 15_000, maximumAge: 300_000 },
    );
  };
  const place = data?.municipality_name || code;
  const now = data?.generated_at ?? Date.now();
  return (
    <>
      <h1>{t('finderTitle', { place })}</h1>
      {data && <p className="muted">{data.election_name}</p>}
      <p>{t('finderIntro')}</p>
      {data && <p className="finder-notice">{data.any_station ? t('finderAnyStation') : t('finderOwnStation')}</p>}
      {found.error && <ErrorMessage error={found.error} retry={found.reload} />}
      <form className="finder-search" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('finderSearch')}
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} autoComplete="postal-code" />
        </label>
        <button type="button" onClick={locate} disabled={locating === 'busy'}>
          {t('finderUseLocation')}
        </button>
        <label>
          {t('finderOrder')}
          <select value={order} onChange={(e) => setOrder(e.target.value as Order)}>
            <option value="number">{t('order_number')}</option>
            <option value="distance" disabled={!origin}>
              {t('order_distance')}
            </option>
            {data?.any_station && <option value="queue">{t('order_queue')}</option>}
          </select>
        </label>
        <label className="inline">
          <input type="checkbox" checked={wheelchair} onChange={(e) => setWheelchair(e.target.checked)} />
          {t('finderWheelchair')}
        </label>
      </form>
      <p role="status" className="muted">
        {locating === 'busy' && t('finderLocating')}
        {locating === 'denied' && t('finderLocationDenied')}
        {locating === 'found' && t('finderLocated')}
      </p>
      {data && (
        <>
          <FinderMap stations={shown} origin={origin} />
          {shown.some((s) => s.location.latitude != null && s.location.longitude != null) && <Legend located={origin !== null} />}
          <p className="muted" role="status" data-testid="finder-count">
            {t('finderCount', { shown: shown.length, total: data.stations.length })}
          </p>
          {/* Not a live region: it changes with every poll. */}
          <p className="muted">{t('finderUpdated', { time: electionTime(data.generated_at, data.utc_offset_minutes, lang) })}</p>
          {shown.length === 0 ? (
            <p>{t('finderNone')}</p>
          ) : (
            <ol className="finder-list" aria-label={t('listTitle')}>
              {shown.map((s) => (
                <StationCard key={s.id} s={s} origin={origin} now={now} offset={data.utc_offset_minutes} />
              ))}
            </ol>
          )}
        </>
      )}
      {!data && !found.error && <p>{t('loading')}</p>}
    </>
  );
}
