import { useState } from 'react';
import { getJson, loadSession } from '../api/client';
import type { ResultsReport, UnitResult } from '../api/types';
import { useI18n } from '../i18n';
import { useLive } from '../live/context';
import { allocate, type Method } from '../seats';
import { Boundary, ErrorMessage, num, useLoad } from '../util';

export function listVotes(unit: UnitResult): [number, number][] {
  const votes = unit.totals?.list_votes ?? {};
  return Object.entries(votes)
    .map(([list, v]) => [Number(list), Number(v)] as [number, number])
    .sort((a, b) => a[0] - b[0]);
}

export function ListTable({ unit }: { unit: UnitResult }) {
  const { t } = useI18n();
  const rows = listVotes(unit);
  const total = rows.reduce((s, [, v]) => s + v, 0);
  return (
    <table>
      <caption>{t('perList')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('list')}</th>
          <th scope="col">{t('votes')}</th>
          <th scope="col">%</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([list, v]) => (
          <tr key={list}>
            <th scope="row">
              {t('list')} {list}
            </th>
            <td data-testid={`list-${list}`}>{num(v)}</td>
            <td>{total ? ((100 * v) / total).toFixed(1) : '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Flanders publishes from 500 voters (the Netherlands has no threshold): its municipal
 * councils use Imperiali, so that is where the projection starts. */
export function defaultMethod(publicationThreshold: number): Method {
  return publicationThreshold > 0 ? 'imperiali' : 'dhondt';
}

function Seats({ unit, threshold }: { unit: UnitResult; threshold: number }) {
  const { t } = useI18n();
  const [seats, setSeats] = useState(45);
  const [method, setMethod] = useState<Method>(() => defaultMethod(threshold));
  const rows = listVotes(unit);
  const won = allocate(
    rows.map(([, v]) => v),
    seats,
    method,
  );
  return (
    <section className="card unofficial" aria-labelledby="seats">
      <h2 id="seats">{t('seatsTitle')}</h2>
      <p className="notice">{t('seatsNote')}</p>
      <div className="row">
        <label>
          {t('seatsCount')}
          <input type="number" min={1} max={200} value={seats} onChange={(e) => setSeats(Math.max(1, Number(e.target.value) || 1))} />
        </label>
        <label>
          {t('method')}
          <select value={method} onChange={(e) => setMethod(e.target.value as Method)}>
            <option value="dhondt">{t('dhondt')}</option>
            <option value="imperiali">{t('imperiali')}</option>
          </select>
        </label>
      </div>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('list')}</th>
            <th scope="col">{t('seats')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([list], i) => (
            <tr key={list}>
              <th scope="row">
                {t('list')} {list}
              </th>
              <td>{won[i]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function UnitsTable({ units, label }: { units: UnitResult[]; label: string }) {
  const { t } = useI18n();
  if (units.length === 0) return null;
  const lists = [...new Set(units.flatMap((u) => listVotes(u).map(([l]) => l)))].sort((a, b) => a - b);
  return (
    <table>
      <caption>{label}</caption>
      <thead>
        <tr>
          <th scope="col">{label}</th>
          <th scope="col">{t('stations')}</th>
          <th scope="col">{t('voters')}</th>
          {lists.map((l) => (
            <th scope="col" key={l}>
              {t('list')} {l}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {units.map((u) => {
          const votes = new Map(listVotes(u));
          return (
            <tr key={u.unit}>
              <th scope="row">{u.unit || t('municipality')}</th>
              <td>{t('completeness', { in: u.stations_in, total: u.stations })}</td>
              <td>{u.published ? num(u.totals?.votes_cast) : t('notPublished')}</td>
              {lists.map((l) => (
                <td key={l}>{u.published ? num(votes.get(l) ?? 0) : '–'}</td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function Results() {
  const { t } = useI18n();
  const live = useLive();
  const code = loadSession()?.municipality ?? '';
  const bucket = Math.floor((live.lastChange ?? 0) / 3_000);
  const { data, error, reload } = useLoad(() => getJson<ResultsReport>(`/api/municipalities/${code}/results`), [code, bucket]);
  if (error && !data) return <ErrorMessage error={error} retry={reload} />;
  if (!data) return <p role="status">{t('loading')}</p>;
  const m = data.municipality;
  const closed = Date.now() >= data.closes_at;
  return (
    <>
      <h1>{t('resultsTitle')}</h1>
      <p data-testid="completeness">
        <strong>{t('completeness', { in: m.stations_in, total: m.stations })}</strong> · {t('threshold', { n: data.publication_threshold })}
      </p>
      {!closed && <p className="notice">{t('embargo')}</p>}
      {m.published && m.totals ? (
        <div className="columns">
          <section className="card">
            <Boundary scope="part">
              <ListTable unit={m} />
            </Boundary>
          </section>
          <Boundary scope="part">
            <Seats unit={m} threshold={data.publication_threshold} />
          </Boundary>
        </div>
      ) : (
        <p>{t('notPublished')}</p>
      )}
      <section className="card">
        <Boundary scope="part">
          <UnitsTable units={data.districts} label={t('perDistrict')} />
        </Boundary>
        <Boundary scope="part">
          <UnitsTable units={data.subareas} label={t('perSubarea')} />
        </Boundary>
      </section>
    </>
  );
}
