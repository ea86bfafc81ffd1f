// Numbers, percentages, times and dates as the reader of the UI language writes them:
// Dutch "12.345", "47,3 %", "18 maart 21:00"; English "12,345", "47.3%", "18 March 21:00".
// One home for every figure the pages, exports and charts show.
import type { Lang } from './i18n';

const LOCALE: Record<Lang, string> = { nl: 'nl-NL', en: 'en-GB' };

let current: Lang = 'nl';
/** The UI language, set by the language switch (as the API's is). */
export function setFormatLanguage(lang: Lang): void {
  current = lang;
}
export function formatLanguage(): Lang {
  return current;
}

const cache = new Map<string, Intl.NumberFormat>();
function numberFormat(lang: Lang, digits: number): Intl.NumberFormat {
  const key = `${lang}:${digits}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE[lang], { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: true });
    cache.set(key, f);
  }
  return f;
}

/** A count: "12.345" (nl), "12,345" (en); "–" when unknown. */
export function formatNumber(n: number | null | undefined, lang: Lang = current): string {
  return n == null || Number.isNaN(n) ? '–' : numberFormat(lang, 0).format(n);
}

/** A decimal with fixed digits: "47,3" (nl), "47.3" (en), without grouping in neither. */
export function formatDecimal(n: number, digits: number, lang: Lang = current): string {
  return numberFormat(lang, digits).format(n);
}

/** A percentage with one decimal: "47,3 %" (nl), "47.3%" (en); "–" when unknown. */
export function formatPercent(p: number | null | undefined, lang: Lang = current, digits = 1): string {
  if (p == null || Number.isNaN(p)) return '–';
  const n = numberFormat(lang, digits).format(p);
  return lang === 'nl' ? `${n} %` : `${n}%`;
}

/** A clock time of today: "21:00:05"; with `seconds` false "21:00". */
export function formatTime(ms: number | null | undefined, lang: Lang = current, seconds = true): string {
  if (!ms) return '–';
  return new Date(ms).toLocaleTimeString(LOCALE[lang], { hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}), hour12: false });
}

/** A day: "18 maart" (nl), "18 March" (en). */
export function formatDate(ms: number, lang: Lang = current): string {
  return new Date(ms).toLocaleDateString(LOCALE[lang], { day: 'numeric', month: 'long' });
}

/** A moment with its day: "18 maart 21:00" (nl), "18 March 21:00" (en). */
export function formatDateTime(ms: number | null | undefined, lang: Lang = current): string {
  if (!ms) return '–';
  const date = new Date(ms).toLocaleDateString(LOCALE[lang], { day: 'numeric', month: 'long' });
  return `${date} ${formatTime(ms, lang, false)}`;
}

/** How long ago: "12 minuten" / "12 minutes", "2 uur" / "2 hours", under a minute "< 1 min". */
export function formatAge(since: number, now: number, lang: Lang = current): string {
  const minutes = Math.max(0, Math.floor((now - since) / 60_000));
  if (minutes < 1) return '< 1 min';
  const unit = minutes < 60 ? 'minute' : minutes < 48 * 60 ? 'hour' : 'day';
  const value = unit === 'minute' ? minutes : unit === 'hour' ? Math.floor(minutes / 60) : Math.floor(minutes / (24 * 60));
  return new Intl.NumberFormat(LOCALE[lang], { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}
