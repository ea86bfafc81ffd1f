// Turnout as the pages show it: one figure per unit, the server's (voters now as a
// share of the expected voters, shared::domain::turnout_percent), written here once
// for the table, the chart's legend and the public headline, so that they cannot
// disagree. The chart itself is the server's (plotters), whose legend and line end
// show the same figure (server/src/features/reporting/charts.rs).
import type { TurnoutReport, UnitTurnout } from './api/types';
import { formatPercent } from './format';
import type { Lang, T } from './i18n';

/** A unit's turnout now, written for the UI language: "47,3 %". */
export function turnoutFigure(u: UnitTurnout, lang?: Lang): string {
  return formatPercent(u.percent, lang);
}

/** A unit's name: the district's, or the municipality's word for "" . */
export function unitLabel(u: UnitTurnout, t: T): string {
  return u.unit || t('municipality');
}

/** The server chart's line colours (Tableau 10), in its order: districts, then the municipality. */
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
export function unitColour(report: TurnoutReport, u: UnitTurnout): string {
  const index = u === report.municipality ? report.districts.length : report.districts.indexOf(u);
  return COLOURS[Math.max(0, index) % COLOURS.length];
}
