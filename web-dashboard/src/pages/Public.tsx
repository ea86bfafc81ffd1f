// The public page: no sign-in. Turnout live (polled; the dashboard socket is for
// staff), results only after closing and only units over the publication threshold,
// as the server decides; this page shows only what it is sent.
import { useEffect, useState } from 'react';
import { getPublic } from '../api/client';
import type { ResultsReport, StationResultsReport, TurnoutReport } from '../api/types';
import { formatNumber } from '../format';
import { turnoutFigure } from '../turnout';
import { useI18n } from '../i18n';
import { ErrorMessage, time, useLoad } from '../util';
import { ListNamesContext, listNames } from '../lists';
import { ListTable, OfficeAndStationTables, UnitsTable } from './Results';
import { TurnoutTable } from './Turnout';

/** The municipality's turnout now, in one large figure (the table's own figure). */
export function HeadlineTurnout({ report }: { report: TurnoutReport }) {
  const { t } = useI18n();
  const m = report.municipality;
  return (
    <p className="headline" data-testid="headline-turnout">
      <span className="headline-figure">{turnoutFigure(m)}</span>{' '}
      <span>{t('headlineTurnout', { voters: formatNumber(m.voters), expected: formatNumber(m.expected_voters) })}</span>
    </p>
  );
}

export function Public({ code }: { code: string }) {
  const { t } = useI18n();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 3_000);
    return () => clearInterval(timer);
  }, []);
  const turnout = useLoad(() => getPublic<TurnoutReport>(`/api/public/municipalities/${code}/turnout`), [code, tick]);
  const results = useLoad(() => getPublic<ResultsReport>(`/api/public/municipalities/${code}/results`), [code, tick]);
  const stations = useLoad(() => getPublic<StationResultsReport>(`/api/public/municipalities/${code}/results/stations`), [code, tick]);
  const r = results.data;
  const anyOffice = r?.counting_offices.some((o) => o.published && o.totals) ?? false;
  const anyStation = stations.data?.stations.some((s) => s.published && s.totals) ?? false;
  const published = r ? [r.municipality, ...r.districts, ...r.subareas].filter((u) => u.published && u.totals) : [];
  // Only what is published: withheld offices and stations are not listed to the public.
  const shown: StationResultsReport | null = stations.data ? { ...stations.data, stations: stations.data.stations.filter((s) => s.published) } : null;
  // Named for the place and the election, once the server said them; the code until then.
  const named = turnout.data ?? r;
  const place = named?.municipality_name || code;
  return (
    <ListNamesContext.Provider value={listNames(r)}>
      <h1>{t('publicTitle', { code: place })}</h1>
      {named && <p className="muted">{named.election_name}</p>}
      <p>
        <a href={`/stembureaus/${encodeURIComponent(code)}`}>{t('publicFinderLink')}</a>
      </p>
      {turnout.data && <HeadlineTurnout report={turnout.data} />}
      <p className="muted" role="status">
        {t('updated', { time: time(Date.now()) })}
      </p>
      <section className="card" aria-labelledby="public-turnout">
        <h2 id="public-turnout">{t('publicTurnout')}</h2>
        {turnout.error && <ErrorMessage error={turnout.error} retry={turnout.reload} />}
        {turnout.data ? <TurnoutTable report={turnout.data} /> : !turnout.error && <p>{t('loading')}</p>}
      </section>
      <section className="card" aria-labelledby="public-results" data-testid="public-results">
        <h2 id="public-results">{t('publicResults')}</h2>
        {results.error && <ErrorMessage error={results.error} retry={results.reload} />}
        {r && <p>{t('completeness', { in: r.municipality.stations_in, total: r.municipality.stations })}</p>}
        {published.length === 0 && !anyOffice && !anyStation ? (
          <p data-testid="no-results">{t('noResultsYet')}</p>
        ) : (
          <>
            {r && r.municipality.published && <ListTable unit={r.municipality} />}
            {r && <UnitsTable units={r.districts.filter((u) => u.published)} label={t('perDistrict')} />}
            {r && <UnitsTable units={r.subareas.filter((u) => u.published)} label={t('perSubarea')} />}
            {r && <OfficeAndStationTables report={{ ...r, counting_offices: r.counting_offices.filter((o) => o.published) }} stations={shown} />}
          </>
        )}
      </section>
    </ListNamesContext.Provider>
  );
}
