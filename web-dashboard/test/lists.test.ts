import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { UnitResult } from '../src/api/types';
import { ListNamesContext, listNames } from '../src/lists';
import { ListTable } from '../src/pages/Results';

// The election's lists as the results report carries them.
const lists = [
  { number: 1, name: 'Lijst Noord' },
  { number: 2, name: 'Lijst "Samen", Rotterdam' },
  { number: 3, name: 'Stadspartij' },
];

const unit: UnitResult = {
  unit: '',
  stations: 8,
  stations_in: 1,
  complete: false,
  published: true,
  totals: {
    stations: 8,
    stations_in: 1,
    poll_cards: 620,
    proxy_certificates: 0,
    voter_cards: 0,
    admitted_voters: 620,
    votes_for_candidates: 620,
    blank_votes: 0,
    invalid_votes: 0,
    votes_cast: 620,
    more_ballots_counted: 0,
    fewer_ballots_counted: 0,
    list_votes: { 1: 300, 2: 200, 3: 120 },
  },
};

describe("the lists' names", () => {
  it("reads them from the report's lists, by number", () => {
    expect([...listNames({ lists })]).toEqual([
      [1, 'Lijst Noord'],
      [2, 'Lijst "Samen", Rotterdam'],
      [3, 'Stadspartij'],
    ]);
  });

  it('names each list in the results table, and says "Lijst n" only without a name', () => {
    const named = renderToStaticMarkup(createElement(ListNamesContext.Provider, { value: listNames({ lists }) }, createElement(ListTable, { unit })));
    expect(named).toContain('<th scope="row">1. Lijst Noord</th>');
    expect(named).toContain('<th scope="row">2. Lijst &quot;Samen&quot;, Rotterdam</th>');
    expect(named).not.toContain('Lijst 1<');
    const unnamed = renderToStaticMarkup(createElement(ListTable, { unit }));
    expect(unnamed).toContain('<th scope="row">Lijst 1</th>');
  });
});
