import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { SeatAllocation } from '../src/api/types';
import { I18n, translate, type Lang } from '../src/i18n';
import { SeatAllocationView } from '../src/pages/Results';

// As the server sends it (server/src/features/reporting/results.rs); the page shows it and computes nothing.
const dutch: SeatAllocation = {
  method: 'quota_largest_remainders',
  seats: 9,
  total_votes: 1000,
  quota_numerator: 1000,
  quota_denominator: 9,
  lists: [
    { list: 1, votes: 502, full_seats: 4, seats: 5 },
    { list: 2, votes: 300, full_seats: 2, seats: 2 },
    { list: 3, votes: 198, full_seats: 1, seats: 2 },
  ],
  awards: [
    { seat: 8, list: 3, stage: 'largest_remainder', taken_from: null },
    { seat: 9, list: 2, stage: 'largest_remainder', taken_from: null },
    { seat: 9, list: 1, stage: 'absolute_majority', taken_from: 2 },
  ],
  unassigned: 0,
  tie: null,
  complete: true,
};

function render(allocation: SeatAllocation, lang: Lang = 'nl'): string {
  const value = { lang, t: (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate(lang, key, vars), setLang: () => {} };
  return renderToStaticMarkup(createElement(I18n.Provider, { value }, createElement(SeatAllocationView, { allocation })));
}

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the seat allocation on the results page', () => {
  it('shows the seats, full seats and method as the server sent them', () => {
    const html = render(dutch);
    expect(html).toContain('data-testid="seats-1">5<');
    expect(html).toContain('data-testid="seats-2">2<');
    expect(html).toContain('data-testid="seats-3">2<');
    expect(text(html)).toContain('9 zetels');
    expect(text(html)).toContain('Kiesdeler en grootste overschotten');
    expect(text(html)).toContain('Volle zetels');
    expect(html).not.toContain('seat-tie');
    expect(html).not.toContain('<input');
  });

  it('says which seat moved under the absolute-majority rule', () => {
    expect(text(render(dutch, 'en'))).toContain('Seat 9 goes to list 1, which has more than half of the votes (Kieswet P 9), instead of list 2.');
  });

  it('names the tied lists and the seats a drawing of lots must decide', () => {
    const tied: SeatAllocation = {
      ...dutch,
      lists: dutch.lists.map((l) => ({ ...l, seats: l.full_seats })),
      awards: [],
      unassigned: 2,
      tie: { stage: 'largest_remainder', rule: 'drawing_of_lots', first_seat: 8, seats: 2, lists: [1, 2, 3] },
    };
    const html = render(tied, 'en');
    expect(html).toContain('role="alert"');
    expect(text(html)).toContain('Drawing of lots needed: lists 1, 2, 3 are tied for 2 seat(s), from seat 8.');
    expect(text(html)).toContain('Not yet given: 2');
  });

  it('shows the Flemish method without full seats, and warns on incomplete figures', () => {
    const flemish: SeatAllocation = {
      method: 'imperiali',
      seats: 9,
      total_votes: 1960,
      quota_numerator: null,
      quota_denominator: null,
      lists: [
        { list: 1, votes: 840, full_seats: 0, seats: 5 },
        { list: 2, votes: 432, full_seats: 0, seats: 2 },
        { list: 3, votes: 360, full_seats: 0, seats: 1 },
        { list: 4, votes: 328, full_seats: 0, seats: 1 },
      ],
      awards: [],
      unassigned: 0,
      tie: null,
      complete: false,
    };
    const html = text(render(flemish));
    expect(html).toContain('Imperiali (Vlaamse gemeenteraad');
    expect(html).not.toContain('Volle zetels');
    expect(html).toContain('Nog niet alle stembureaus zijn binnen');
  });
});
