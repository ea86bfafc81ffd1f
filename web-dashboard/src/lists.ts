// The lists' names, from the election (ResultsReport.lists), by number; without a
// name (an older server) a list is "Lijst <number>".
import { createContext, useContext } from 'react';
import type { ResultsReport } from './api/types';
import { useI18n } from './i18n';

export type ListNames = ReadonlyMap<number, string>;

/** The report's list names, by number. */
export function listNames(report: Pick<ResultsReport, 'lists'> | null | undefined): Map<number, string> {
  return new Map((report?.lists ?? []).map((l) => [l.number, l.name]));
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
