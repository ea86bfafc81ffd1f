import { downloadCsv, getJson, loadSession } from '../api/client';
import { ListNamesContext, listNames, useListLabel } from '../lists';
import { formatPercent } from '../format';
import type { ResultsReport, SeatAllocation, SeatMethodName, StationResultsReport, UnitResult } from '../api/types';
import { officeUnit, stationUnit } from '../resultUnits';
import { type Key, useI18n } from '../i18n';
import { useLive } from '../live/context';
import { useState } from 'react';
import { Boundary, ErrorMessage, num, useLoad, Wide } from '../util';

export function listVotes(unit: UnitResult): [number, number][] {
  const votes = unit.totals?.list_votes ?? {};
  return Object.entries(votes)
    .map(([list, v]) => [Number(list), Number(v)] as [number, number])
    .sort((a, b) => a[0] - b[0]);
}

export function ListTable({ unit }: { unit: UnitResult }) {
  const { t } = useI18n();
  const label = useListLabel();
  const rows = listVotes(unit);
  const total = rows.reduce((s, [, v]) => s + v, 0);
  return (
    <Wide label={t('perList')}>
      <table>
        <caption>{t('perList')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('list')}</th>
            <th scope="col">{t('votes')}</th>
            <th scope="col">{t('share')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([list, v]) => (
            <tr key={list}>
              <th scope="row">{label(list)}</th>
              <td data-testid={`list-${list}`}>{num(v)}</td>
              <td>{total ? formatPercent((100 * v) / total) : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Wide>
  );
}

const methodKey: Record<SeatMethodName, Key> = {
  imperiali: 'methodImperiali',
  d_hondt: 'methodDHondt',
  quota_largest_averages: 'methodQuotaLargestAverages',
  quota_largest_remainders: 'methodQuotaLargestRemainders',
};

/** The server's seat allocation (computed by the shared core); nothing is computed here. */
export function SeatAllocationView({ allocation }: { allocation: SeatAllocation }) {
  const { t } = useI18n();
  const label = useListLabel();
  const dutch = allocation.quota_denominator != null;
  const tie = allocation.tie;
  const transfers = allocation.awards.filter((a) => a.stage === 'absolute_majority');
  return (
    <section className="card" aria-labelledby="seats">
      <h2 id="seats">{t('seatsTitle')}</h2>
      <p className="notice">{t('seatsNote')}</p>
      {!allocation.complete && <p className="notice">{t('seatsPartial')}</p>}
      <p data-testid="seat-method">
        {t('seatsCount', { n: allocation.seats })} · {t('method')}: {t(methodKey[allocation.method])}
      </p>
      {tie && (
        <p role="alert" data-testid="seat-tie">
          {t(tie.rule === 'drawing_of_lots' ? 'tieLot' : 'tieEqualVotes', {
            lists: tie.lists.join(', '),
            seats: tie.seats,
            first: tie.first_seat,
          })}
        </p>
      )}
      {transfers.map((a) => (
        <p key={a.seat} data-testid="seat-transfer">
          {t('majorityTransfer', { seat: a.seat, to: a.list, from: a.taken_from ?? '–' })}
        </p>
      ))}
      <Wide label={t('seatsTitle')}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('list')}</th>
              <th scope="col">{t('votes')}</th>
              {dutch && <th scope="col">{t('fullSeats')}</th>}
              <th scope="col">{t('seats')}</th>
            </tr>
          </thead>
          <tbody>
            {allocation.lists.map((l) => (
              <tr key={l.list}>
                <th scope="row">{label(l.list)}</th>
                <td>{num(l.votes)}</td>
                {dutch && <td>{l.full_seats}</td>}
                <td data-testid={`seats-${l.list}`}>{l.seats}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Wide>
      {allocation.unassigned > 0 && <p data-testid="seats-unassigned">{t('seatsUnassigned', { n: allocation.unassigned })}</p>}
    </section>
  );
}

export function UnitsTable({ units, label }: { units: UnitResult[]; label: string }) {
  const { t } = useI18n();
  const listLabel = useListLabel();
  if (units.length === 0) return null;
  const lists = [...new Set(units.flatMap((u) => listVotes(u).map(([l]) => l)))].sort((a, b) => a - b);
  return (
    <Wide label={label}>
      <table>
        <caption>{label}</caption>
        <thead>
          <tr>
            <th scope="col">{label}</th>
            <th scope="col">{t('stations')}</th>
            <th scope="col">{t('voters')}</th>
            {lists.map((l) => (
              <th scope="col" key={l}>
                {listLabel(l)}
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
    </Wide>
  );
}

/**
 * A paper municipality's counting offices, and the stations of one that publishes per
 * station (a Flemish digital one only where at least the threshold voted): the rows
 * the server sent, figures only where it published them.
 */
export function OfficeAndStationTables({ report, stations }: { report: ResultsReport; stations: StationResultsReport | null }) {
  const { t } = useI18n();
  const offices = report.counting_offices.map((o) => officeUnit(o, (name) => t('officeLockedMark', { name })));
  const rows = stations?.stations.map(stationUnit) ?? [];
  return (
    <>
      {offices.length > 0 && (
        <Boundary scope="part">
          <UnitsTable units={offices} label={t('perCountingOffice')} />
        </Boundary>
      )}
      {rows.length > 0 && (
        <details data-testid="per-station">
          <summary>{t('perStation', { n: rows.length })}</summary>
          {stations && stations.publication_threshold > 0 && <p className="muted">{t('stationsUnderThreshold', { n: num(stations.publication_threshold) })}</p>}
          <Boundary scope="part">
            <UnitsTable units={rows} label={t('stationUnit')} />
          </Boundary>
        </details>
      )}
    </>
  );
}

export function Results() {
  const { t } = useI18n();
  const live = useLive();
  const code = loadSession()?.municipality ?? '';
  const bucket = Math.floor((live.lastChange ?? 0) / 3_000);
  const { data, error, reload } = useLoad(() => getJson<ResultsReport>(`/api/municipalities/${code}/results`), [code, bucket]);
  const stations = useLoad(() => getJson<StationResultsReport>(`/api/municipalities/${code}/results/stations`), [code, bucket]);
  const [exportError, setExportError] = useState<string | null>(null);
  if (error && !data) return <ErrorMessage error={error} retry={reload} />;
  if (!data) return <p role="status">{t('loading')}</p>;
  const m = data.municipality;
  const closed = Date.now() >= data.closes_at;
  return (
    <ListNamesContext.Provider value={listNames(data)}>
      <h1>{t('resultsTitle')}</h1>
      <p data-testid="completeness">
        <strong>{t('completeness', { in: m.stations_in, total: m.stations })}</strong> · {t('threshold', { n: num(data.publication_threshold) })}
      </p>
      {!closed && <p className="notice">{t('embargo')}</p>}
      <div className="row">
        <button
          type="button"
          onClick={() => void downloadCsv(`/api/municipalities/${code}/results.csv`, `uitslag-${code}.csv`).catch((e: unknown) => setExportError(String((e as Error).message ?? e)))}
        >
          {t('exportCsv')}
        </button>
      </div>
      {exportError && <ErrorMessage error={exportError} />}
      {m.published && m.totals ? (
        <div className="columns">
          <section className="card">
            <Boundary scope="part">
              <ListTable unit={m} />
            </Boundary>
          </section>
          {data.seat_allocation && (
            <Boundary scope="part">
              <SeatAllocationView allocation={data.seat_allocation} />
            </Boundary>
          )}
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
        <OfficeAndStationTables report={data} stations={stations.data ?? null} />
      </section>
    </ListNamesContext.Provider>
  );
}
