// Turnout as the pages show it: one figure per unit and moment, computed here once and
// shown by the table, the chart (its line's end and its legend) and the public
// headline, so that they cannot disagree. The figure is the server's: voters now as a
// share of the expected voters (shared::domain::turnout_percent).
import type { TurnoutReport, UnitTurnout } from './api/types';
import { formatDateTime, formatPercent, formatTime } from './format';
import type { Lang, T } from './i18n';

/** A unit's turnout now, written for the UI language: "47,3 %". */
export function turnoutFigure(u: UnitTurnout, lang?: Lang): string {
  return formatPercent(u.percent, lang);
}

/** A unit's name: the district's, or the municipality's word for "" . */
export function unitLabel(u: UnitTurnout, t: T): string {
  return u.unit || t('municipality');
}

/**
 * The points of a unit's line: (moment, percent) at each of the report's moments. The
 * last moment is now (or the closing time), and its point is the unit's figure now, the
 * table's, not a recount of the reports up to that moment (which can lag behind a
 * report recorded by the device a moment later). Empty without expected voters.
 */
export function turnoutSeries(report: TurnoutReport, u: UnitTurnout): [number, number][] {
  if (!u.expected_voters) return [];
  const points: [number, number][] = report.times.map((at, i) => [at, (100 * (u.over_time[i] ?? 0)) / u.expected_voters]);
  if (points.length > 0 && u.percent != null) points[points.length - 1] = [points[points.length - 1][0], u.percent];
  return points;
}

/** Distinguishable line colours (Tableau 10), the municipality in black. */
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
export function unitColour(index: number): string {
  return index === 0 ? '#111827' : COLOURS[(index - 1) % COLOURS.length];
}

function esc(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

const W = 640;
const PLOT_H = 300;
const LEFT = 72;
const RIGHT = 16;
const TOP = 16;
const BOTTOM = 48;
const LEGEND_ROW = 20;

/**
 * The turnout chart as SVG markup: the municipality and each district over the day,
 * axis titles and labels in the UI language. With `legend`, each unit's name and figure
 * below the plot (for the file one saves; the page shows its legend as a list).
 */
export function turnoutChartSvg(report: TurnoutReport, t: T, lang: Lang, legend: boolean): string {
  const units = [report.municipality, ...report.districts];
  const series = units.map((u) => turnoutSeries(report, u));
  const from = report.times[0] ?? 0;
  const to = Math.max(report.times[report.times.length - 1] ?? 0, from + 3_600_000);
  const top = Math.max(100, ...series.flat().map(([, p]) => Math.ceil(p / 10) * 10));
  const x = (at: number) => Math.round((LEFT + ((at - from) / (to - from)) * (W - LEFT - RIGHT)) * 10) / 10;
  const y = (p: number) => Math.round((TOP + (1 - p / top) * (PLOT_H - TOP - BOTTOM)) * 10) / 10;
  const height = PLOT_H + (legend ? units.length * LEGEND_ROW + 8 : 0);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" font-family="system-ui, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${height}" fill="#fff"/>`);
  // Horizontal grid and percent labels.
  for (let p = 0; p <= top; p += 20) {
    out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y(p)}" y2="${y(p)}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${LEFT - 6}" y="${y(p) + 4}" text-anchor="end" fill="#374151">${esc(formatPercent(p, lang, 0))}</text>`);
  }
  // Whole hours along the time axis (at most about eight labels).
  const hour = 3_600_000;
  const stepHours = Math.max(1, Math.ceil((to - from) / hour / 8));
  const first = new Date(from);
  first.setMinutes(0, 0, 0);
  for (let at = first.getTime() + (first.getTime() < from ? hour : 0); at <= to; at += stepHours * hour) {
    out.push(`<line x1="${x(at)}" x2="${x(at)}" y1="${y(0)}" y2="${y(0) + 4}" stroke="#6b7280"/>`);
    out.push(`<text x="${x(at)}" y="${y(0) + 18}" text-anchor="middle" fill="#374151">${esc(formatTime(at, lang, false))}</text>`);
  }
  out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y(0)}" y2="${y(0)}" stroke="#6b7280"/>`);
  out.push(`<text x="${(LEFT + W - RIGHT) / 2}" y="${PLOT_H - 8}" text-anchor="middle" fill="#111827">${esc(t('chartTime'))}</text>`);
  out.push(`<text transform="translate(14 ${(TOP + PLOT_H - BOTTOM) / 2}) rotate(-90)" text-anchor="middle" fill="#111827">${esc(t('chartPercent'))}</text>`);
  series.forEach((points, i) => {
    if (points.length === 0) return;
    const colour = unitColour(i);
    const path = points.map(([at, p], j) => `${j ? 'L' : 'M'}${x(at).toFixed(1)} ${y(p).toFixed(1)}`).join(' ');
    out.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="${i === 0 ? 3 : 2}"/>`);
    const [endAt, endP] = points[points.length - 1];
    out.push(`<circle cx="${x(endAt).toFixed(1)}" cy="${y(endP).toFixed(1)}" r="3.5" fill="${colour}"/>`);
  });
  if (legend)
    units.forEach((u, i) => {
      const ly = PLOT_H + 8 + i * LEGEND_ROW;
      out.push(`<line x1="${LEFT}" x2="${LEFT + 20}" y1="${ly + 6}" y2="${ly + 6}" stroke="${unitColour(i)}" stroke-width="3"/>`);
      out.push(`<text x="${LEFT + 28}" y="${ly + 10}" fill="#111827" data-unit="${esc(u.unit)}">${esc(`${unitLabel(u, t)}: ${turnoutFigure(u, lang)}`)}</text>`);
    });
  if (report.times.length > 0)
    out.push(`<text x="${W - RIGHT}" y="${TOP - 4}" text-anchor="end" fill="#4b5563" font-size="11">${esc(formatDateTime(report.times[report.times.length - 1], lang))}</text>`);
  out.push('</svg>');
  return out.join('');
}


/** The chart as a PNG (for the file one saves): the SVG drawn on a canvas. */
export async function svgToPng(svg: string): Promise<Blob> {
  const image = new Image();
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth * 2;
    canvas.height = image.naturalHeight * 2;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no canvas');
    ctx.scale(2, 2);
    ctx.drawImage(image, 0, 0);
    return await new Promise<Blob>((ok, fail) => canvas.toBlob((b) => (b ? ok(b) : fail(new Error('no PNG'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
