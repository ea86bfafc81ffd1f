import { describe, expect, it } from 'vitest';
import { officeUnit, stationUnit } from '../src/resultUnits';
import type { CountingOfficeResult, ResultTotals, StationResult } from '../src/api/types';

const totals = { stations: 3, stations_in: 3, votes_cast: 900, list_votes: { '1': 500, '2': 400 } } as unknown as ResultTotals;

describe('result units', () => {
  it('shows an office with its stations, marked when locked, and only the figures sent', () => {
    const office: CountingOfficeResult = {
      number: 1,
      name: 'Telbureau 1',
      stations: [{ id: 'a', number: 1, name: 'A' }, { id: 'b', number: 2, name: 'B' }, { id: 'c', number: 3, name: 'C' }] as CountingOfficeResult['stations'],
      complete: true,
      locked: true,
      published: true,
      totals,
    };
    const unit = officeUnit(office, (name) => `${name} (vergrendeld)`);
    expect(unit.unit).toBe('Telbureau 1 (vergrendeld)');
    expect([unit.stations, unit.stations_in, unit.published]).toEqual([3, 3, true]);
    expect(unit.totals?.votes_cast).toBe(900);
    const open = officeUnit({ ...office, locked: false, complete: false, published: false, totals: null }, (n) => n);
    expect([open.unit, open.stations_in, open.published, open.totals]).toEqual(['Telbureau 1', 0, false, null]);
    // Names need not be unique: an own name carries the number.
    expect(officeUnit({ ...office, number: 4, name: 'Sporthal', locked: false }, (n) => n).unit).toBe('4. Sporthal');
  });

  it('shows a withheld station as in, without figures', () => {
    const station: StationResult = { id: 's', number: 12, name: 'Stadhuis', result_in: true, published: false, totals: null };
    const unit = stationUnit(station);
    expect([unit.unit, unit.stations_in, unit.published, unit.totals]).toEqual(['12 Stadhuis', 1, false, null]);
  });
});
