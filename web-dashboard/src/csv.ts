// The server's CSV exports (plain CSV: comma-separated, a decimal point, English
// column names, so that they stay machine-readable) made readable for the user's
// spreadsheet in the UI language: in Dutch, Dutch column names, a decimal comma and
// ';' between fields (what a Dutch Excel opens as columns); in English, English names.
import type { Lang } from './i18n';

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, \n or \r\n line ends). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Column names of the server's exports, per language; a list's column ("1. Name") stays. */
const HEADERS: Record<string, Record<Lang, string>> = {
  station_id: { nl: 'Stembureau-id', en: 'Station id' },
  number: { nl: 'Nummer', en: 'Number' },
  name: { nl: 'Naam', en: 'Name' },
  district: { nl: 'Wijk', en: 'District' },
  expected_voters: { nl: 'Verwachte kiezers', en: 'Expected voters' },
  turnout: { nl: 'Opkomst (kiezers)', en: 'Turnout (voters)' },
  turnout_percent: { nl: 'Opkomst (%)', en: 'Turnout (%)' },
  time: { nl: 'Tijd', en: 'Time' },
  unit: { nl: 'Gebied', en: 'Area' },
  stations: { nl: 'Stembureaus', en: 'Stations' },
  stations_in: { nl: 'Stembureaus binnen', en: 'Stations in' },
  admitted_voters: { nl: 'Toegelaten kiezers', en: 'Admitted voters' },
  votes_cast: { nl: 'Uitgebrachte stemmen', en: 'Votes cast' },
  blank: { nl: 'Blanco', en: 'Blank' },
  invalid: { nl: 'Ongeldig', en: 'Invalid' },
};

/** Columns holding a decimal number. */
const DECIMAL = new Set(['turnout_percent']);

function cell(value: string, separator: string): string {
  return value.includes(separator) || value.includes('"') || value.includes('\n') || value.includes('\r') ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The server's CSV in the UI language (with a BOM, so a spreadsheet reads UTF-8). */
export function localizeCsv(text: string, lang: Lang): string {
  const [header, ...rows] = parseCsv(text);
  if (!header) return text;
  const separator = lang === 'nl' ? ';' : ',';
  const decimal = header.map((h) => DECIMAL.has(h));
  const out = [header.map((h) => HEADERS[h]?.[lang] ?? h)];
  // The server names the municipality's row of the results "Gemeente", whatever the language.
  const unit = header.indexOf('unit');
  const value = (v: string, i: number) => {
    if (decimal[i] && lang === 'nl' && /^-?\d+\.\d+$/.test(v)) return v.replace('.', ',');
    if (i === unit && v === 'Gemeente' && lang === 'en') return 'Municipality';
    return v;
  };
  for (const row of rows) out.push(row.map(value));
  return '\ufeff' + out.map((r) => r.map((v) => cell(v, separator)).join(separator)).join('\r\n') + '\r\n';
}
