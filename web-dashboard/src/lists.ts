// The lists' names. The JSON of the results (ResultsReport) carries list numbers only;
// the election's names reach the dashboard in the header of the results export, whose
// list columns the server writes as "<number>. <name>" (list_column in
// server/src/features/reporting/exports.rs). Until the JSON carries the names, the
// results page reads them from there; without them a list is "Lijst <number>".
import { createContext, useContext } from 'react';
import { parseCsv } from './csv';
import { useI18n } from './i18n';

export type ListNames = ReadonlyMap<number, string>;

/** The names in the header of the server's results CSV, by list number. */
export function listNamesFromCsv(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const column of parseCsv(text)[0] ?? []) {
    const m = /^(\d+)\. (.+)$/.exec(column);
    if (m) names.set(Number(m[1]), m[2]);
  }
  return names;
}

export const ListNamesContext = createContext<ListNames>(new Map());

/** How a list is named on the page: "1. VVD", or "Lijst 1" while its name is unknown. */
export function useListLabel(): (list: number) => string {
  const names = useContext(ListNamesContext);
  const { t } = useI18n();
  return (list) => {
    const name = names.get(list);
    return name ? `${list}. ${name}` : `${t('list')} ${list}`;
  };
}
