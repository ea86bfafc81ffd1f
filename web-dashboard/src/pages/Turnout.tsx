import { useEffect, useState } from 'react';
import { call, downloadCsv, getJson, loadSession, save as saveBlob } from '../api/client';
import type { TurnoutReport, UnitTurnout } from '../api/types';
import { turnoutFigure, unitColour, unitLabel } from '../turnout';
import { useI18n } from '../i18n';
import { useLive } from '../live/context';
import { Boundary, ErrorMessage, num, time, useLoad, Wide } from '../util';

/** Turnout per unit: the figure first, so that a phone shows it without scrolling. */
export function TurnoutTable({ report }: { report: TurnoutReport }) {
  const { t } = useI18n();
  const row = (u: UnitTurnout) => (
    <tr key={u.unit} data-unit={u.unit}>
      <th scope="row">{unitLabel(u, t)}</th>
      <td data-testid="figure">{turnoutFigure(u)}</td>
      <td data-testid="voters">{num(u.voters)}</td>
      <td data-testid="expected">{num(u.expected_voters)}</td>
      <td>{num(u.stations)}</td>
    </tr>
  );
  return (
    <Wide label={t('turnoutTitle')}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('district')}</th>
            <th scope="col">{t('percent')}</th>
            <th scope="col">{t('voters')}</th>
            <th scope="col">{t('expected')}</th>
            <th scope="col">{t('stations')}</th>
          </tr>
        </thead>
        <tbody>
          {row(report.municipality)}
          {report.districts.map((d) => row(d))}
        </tbody>
      </table>
    </Wide>
  );
}

/** The server's chart (plotters, in the UI language), fetched with the token (an <img> cannot send one). */
function ServerChart({ path, alt, version }: { path: string; alt: string; version: string }) {
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
  return src ? <img src={src} alt={alt} className="chart" data-testid="turnout-chart" /> : null;
}

/**
 * The turnout chart: the server's drawing, and below it each unit's figure as the table
 * shows it (the chart's own legend says the same; this list is its text alternative).
 */
export function TurnoutChart({ report, code }: { report: TurnoutReport; code?: string }) {
  const { t, lang } = useI18n();
  const units = [report.municipality, ...report.districts];
  // Drawn anew when the figures or the language change.
  const version = `${lang}:${units.map((u) => u.voters).join(',')}`;
  return (
    <figure className="chart-figure">
      {code && <ServerChart path={`/api/municipalities/${code}/turnout/chart?format=svg`} alt={t('chartAlt')} version={version} />}
      <figcaption>
        <ul className="legend" data-testid="chart-legend">
          {units.map((u) => (
            <li key={u.unit} data-unit={u.unit}>
              <span className="swatch" style={{ background: unitColour(report, u) }} aria-hidden="true" /> {unitLabel(u, t)}:{' '}
              <strong data-testid="legend-figure">{turnoutFigure(u)}</strong>
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
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
  return (
    <>
      <h1>{t('turnoutTitle')}</h1>
      <p className="muted">{t('updated', { time: time(Date.now()) })}</p>
      <div className="row">
        <button type="button" onClick={() => void downloadCsv(`/api/municipalities/${code}/turnout.csv`, `opkomst-${code}.csv`).catch(failed)}>
          {t('exportCsv')}
        </button>
        <button type="button" onClick={() => void call(`/api/municipalities/${code}/turnout/chart?format=svg`).then((r) => r.blob()).then((b) => saveBlob(b, `opkomst-${code}.svg`), failed)}>
          {t('chartSvg')}
        </button>
        <button type="button" onClick={() => void call(`/api/municipalities/${code}/turnout/chart?format=png`).then((r) => r.blob()).then((b) => saveBlob(b, `opkomst-${code}.png`), failed)}>
          {t('chartPng')}
        </button>
      </div>
      {exportError && <ErrorMessage error={exportError} />}
      <section className="card" aria-label={t('chartAlt')}>
        <Boundary scope="part">
          <TurnoutChart report={data} code={code} />
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
