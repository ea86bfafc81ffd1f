import { useEffect, useState } from 'react';
import { call, download, downloadCsv, loadSession, getJson } from '../api/client';
import type { TurnoutReport, UnitTurnout } from '../api/types';
import { formatPercent } from '../format';
import { useI18n } from '../i18n';
import { useLive } from '../live/context';
import { Boundary, ErrorMessage, num, time, useLoad } from '../util';

export function TurnoutTable({ report }: { report: TurnoutReport }) {
  const { t } = useI18n();
  const row = (u: UnitTurnout, label: string) => (
    <tr key={label}>
      <th scope="row">{label}</th>
      <td>{num(u.stations)}</td>
      <td>{num(u.expected_voters)}</td>
      <td data-testid="voters">{num(u.voters)}</td>
      <td>{formatPercent(u.percent)}</td>
    </tr>
  );
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t('district')}</th>
          <th scope="col">{t('stations')}</th>
          <th scope="col">{t('expected')}</th>
          <th scope="col">{t('voters')}</th>
          <th scope="col">{t('percent')}</th>
        </tr>
      </thead>
      <tbody>
        {row(report.municipality, t('municipality'))}
        {report.districts.map((d) => row(d, d.unit))}
      </tbody>
    </table>
  );
}

/** The server's chart, fetched with the token (an <img> cannot send one). */
function Chart({ path, alt, version }: { path: string; alt: string; version: number }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let url: string | null = null;
    let live = true;
    call(path)
      .then((r) => r.blob())
      .then((blob) => {
        if (!live) return;
        url = URL.createObjectURL(blob);
        setSrc(url);
      })
      .catch(() => setSrc(null));
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [path, version]);
  return src ? <img src={src} alt={alt} className="chart" /> : null;
}

export function Turnout() {
  const { t } = useI18n();
  const live = useLive();
  const code = loadSession()?.municipality ?? '';
  // Refetch at most every 5 seconds while changes stream in.
  const bucket = Math.floor((live.lastChange ?? 0) / 5_000);
  const { data, error, reload } = useLoad(() => getJson<TurnoutReport>(`/api/municipalities/${code}/turnout`), [code, bucket]);
  const [exportError, setExportError] = useState<string | null>(null);
  if (error && !data) return <ErrorMessage error={error} retry={reload} />;
  if (!data) return <p role="status">{t('loading')}</p>;
  const failed = (e: unknown) => setExportError(String((e as Error).message ?? e));
  const save = (path: string, name: string) => download(path, name).catch(failed);
  return (
    <>
      <h1>{t('turnoutTitle')}</h1>
      <p className="muted">{t('updated', { time: time(Date.now()) })}</p>
      <div className="row">
        <button type="button" onClick={() => void downloadCsv(`/api/municipalities/${code}/turnout.csv`, `opkomst-${code}.csv`).catch(failed)}>
          {t('exportCsv')}
        </button>
        <button type="button" onClick={() => void save(`/api/municipalities/${code}/turnout/chart?format=svg`, `opkomst-${code}.svg`)}>
          {t('chartSvg')}
        </button>
        <button type="button" onClick={() => void save(`/api/municipalities/${code}/turnout/chart?format=png`, `opkomst-${code}.png`)}>
          {t('chartPng')}
        </button>
      </div>
      {exportError && <ErrorMessage error={exportError} />}
      <section className="card" aria-label={t('chartAlt')}>
        <Boundary scope="part">
          <Chart path={`/api/municipalities/${code}/turnout/chart?format=svg`} alt={t('chartAlt')} version={bucket} />
        </Boundary>
      </section>
      <section className="card">
        <Boundary scope="part">
          <TurnoutTable report={data} />
        </Boundary>
      </section>
    </>
  );
}
