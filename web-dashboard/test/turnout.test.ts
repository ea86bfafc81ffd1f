import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import type { TurnoutReport } from '../src/api/types';
import { translate, type Lang } from '../src/i18n';
import { TurnoutChart, TurnoutTable } from '../src/pages/Turnout';
import { turnoutChartSvg, turnoutSeries } from '../src/turnout';

vi.stubEnv('TZ', 'Europe/Amsterdam');
const opens = Date.UTC(2026, 2, 18, 6, 30); // 07:30 in Amsterdam
const quarter = 15 * 60_000;
// The case the issue saw: the moments' counts lag the latest report (a count recorded
// after the last moment), so a chart drawn from them read 38.4 % beside the table's 47.3 %.
const report: TurnoutReport = {
  election_id: 'E',
  times: [opens, opens + quarter, opens + 2 * quarter],
  municipality: { unit: '', stations: 2, expected_voters: 2000, voters: 946, percent: 47.3, over_time: [0, 400, 768] },
  districts: [
    { unit: 'Noord', stations: 1, expected_voters: 1000, voters: 500, percent: 50, over_time: [0, 200, 384] },
    { unit: 'Zuid', stations: 1, expected_voters: 1000, voters: 446, percent: 44.6, over_time: [0, 200, 384] },
  ],
};

/** Each unit's figure as one part of the page shows it, by the unit's data-unit. */
function figures(html: string, cell: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(new RegExp(`data-unit="([^"]*)"[^]*?data-testid="${cell}">([^<]*)<`, 'g'))) out[m[1]] = m[2];
  return out;
}

describe('turnout: one figure per unit, the same in the table and the chart', () => {
  const t = (lang: Lang) => (k: Parameters<typeof translate>[1], v?: Record<string, string | number>) => translate(lang, k, v);

  it('shows the same figure in the table and in the chart legend', () => {
    const table = figures(renderToStaticMarkup(createElement(TurnoutTable, { report })), 'figure');
    const legend = figures(renderToStaticMarkup(createElement(TurnoutChart, { report })), 'legend-figure');
    expect(table).toEqual({ '': '47,3 %', Noord: '50,0 %', Zuid: '44,6 %' });
    expect(legend).toEqual(table);
    // The saved chart's own legend too.
    const svg = turnoutChartSvg(report, t('nl'), 'nl', true);
    expect(svg).toContain('>Gemeente: 47,3 %<');
    expect(svg).toContain('>Noord: 50,0 %<');
    expect(svg).not.toContain('38,4');
  });

  it("ends each line at the unit's figure now", () => {
    expect(turnoutSeries(report, report.municipality).at(-1)).toEqual([opens + 2 * quarter, 47.3]);
    expect(turnoutSeries(report, report.municipality)[1]).toEqual([opens + quarter, 20]);
  });

  it('writes its axes in the UI language', () => {
    const nl = turnoutChartSvg(report, t('nl'), 'nl', false);
    expect(nl).toContain('>Tijd<');
    expect(nl).toContain('>Opkomst (% van de verwachte kiezers)<');
    expect(nl).toContain('>60 %<');
    expect(nl).toContain('>08:00<');
    expect(nl).toContain('>18 maart 08:00<');
    const en = turnoutChartSvg(report, t('en'), 'en', false);
    expect(en).toContain('>Time<');
    expect(en).toContain('>60%<');
    expect(en).not.toContain('Tijd');
  });
});
