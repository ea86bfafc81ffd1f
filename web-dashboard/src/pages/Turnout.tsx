import { useMemo, useState } from 'react';
import { downloadCsv, getJson, loadSession, save as saveBlob } from '../api/client';
import type { TurnoutReport, UnitTurnout } from '../api/types';
import { svgToPng, turnoutChartSvg, turnoutFigure, unitColour, unitLabel } from '../turnout';
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

/**
 * The turnout chart, drawn here from the same report as the table (src/turnout.ts):
 * its legend shows each unit's figure as the table does, in the UI language.
 */
export function TurnoutChart({ report }: { report: TurnoutReport }) {
  const { t, lang } = useI18n();
  const svg = useMemo(() => turnoutChartSvg(report, t, lang, false), [report, t, lang]);
  const units = [report.municipality, ...report.districts];
  return (
    <figure className="chart-figure">
      <div className="chart" role="img" aria-label={t('chartAlt')} dangerouslySetInnerHTML={{ __html: svg }} />
      <figcaption>
        <ul className="legend" data-testid="chart-legend">
          {units.map((u, i) => (
            <li key={u.unit} data-unit={u.unit}>
              <span className="swatch" style={{ background: unitColour(i) }} aria-hidden="true" /> {unitLabel(u, t)}:{' '}
              <strong data-testid="legend-figure">{turnoutFigure(u)}</strong>
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

export function Turnout() {
  const { t, lang } = useI18n();
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
        <button type="button" onClick={() => saveBlob(new Blob([turnoutChartSvg(data, t, lang, true)], { type: 'image/svg+xml' }), `opkomst-${code}.svg`)}>
          {t('chartSvg')}
        </button>
        <button type="button" onClick={() => void svgToPng(turnoutChartSvg(data, t, lang, true)).then((png) => saveBlob(png, `opkomst-${code}.png`), failed)}>
          {t('chartPng')}
        </button>
      </div>
      {exportError && <ErrorMessage error={exportError} />}
      <section className="card" aria-label={t('chartAlt')}>
        <Boundary scope="part">
          <TurnoutChart report={data} />
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
