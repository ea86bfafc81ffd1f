// Counting offices and stations as rows of the results' unit tables: the server
// decides what is published (the embargo, the 500-voter threshold); these only
// reshape what it sent.
import type { CountingOfficeResult, StationResult, UnitResult } from './api/types';

/**
 * A counting office as a unit row: its name (with its number when the name is its own,
 * as names need not be unique), marked when locked; its stations.
 */
export function officeUnit(office: CountingOfficeResult, lockedName: (name: string) => string): UnitResult {
  const stations = office.stations.length;
  const name = office.name === `Telbureau ${office.number}` ? office.name : `${office.number}. ${office.name}`;
  return {
    unit: office.locked ? lockedName(name) : name,
    stations,
    stations_in: office.complete ? stations : 0,
    complete: office.complete,
    published: office.published,
    totals: office.totals ?? null,
  };
}

/** A station as a unit row: "number name". */
export function stationUnit(station: StationResult): UnitResult {
  return {
    unit: `${station.number} ${station.name}`,
    stations: 1,
    stations_in: station.result_in ? 1 : 0,
    complete: station.result_in,
    published: station.published,
    totals: station.totals ?? null,
  };
}
