import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import type { TurnoutReport } from '../src/api/types';
import { TurnoutChart, TurnoutTable } from '../src/pages/Turnout';

vi.stubEnv('TZ', 'Europe/Amsterdam');
const opens = Date.UTC(2026, 2, 18, 6, 30); // 07:30 in Amsterdam
const quarter = 15 * 60_000;
// The case the issue saw: the moments' counts lag the latest report (a count recorded
// after the last moment), so a chart drawn from them read 38.4 % beside the table's 47.3 %.
const report: TurnoutReport = {
  election_id: 'E',
  election_name: 'Gemeenteraadsverkiezing',
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
  it('shows the same figure in the table and in the chart legend', () => {
    const table = figures(renderToStaticMarkup(createElement(TurnoutTable, { report })), 'figure');
    const legend = figures(renderToStaticMarkup(createElement(TurnoutChart, { report })), 'legend-figure');
    expect(table).toEqual({ '': '47,3 %', Noord: '50,0 %', Zuid: '44,6 %' });
    expect(legend).toEqual(table);
  });
});
