import { describe, expect, it } from 'vitest';
import { localizeCsv, parseCsv } from '../src/csv';

// What the server writes (server/src/features/reporting/exports.rs).
const turnout = [
  'station_id,number,name,district,expected_voters,turnout,turnout_percent,time',
  'GM0599-1,1,"Wijkgebouw ""De Hoek"", zaal 2",Noord,1500,710,47.3,13:00',
  'GM0599-2,2,Stembureau 2,,1600,,,',
  '',
].join('\n');

describe('CSV exports in the UI language', () => {
  it('reads quoted fields and doubled quotes', () => {
    expect(parseCsv(turnout)[1][2]).toBe('Wijkgebouw "De Hoek", zaal 2');
    expect(parseCsv(turnout)).toHaveLength(3);
  });

  it('writes Dutch column names, a decimal comma and ; between fields', () => {
    const csv = localizeCsv(turnout, 'nl');
    expect(csv.startsWith('\ufeff')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[0]).toBe('Stembureau-id;Nummer;Naam;Wijk;Verwachte kiezers;Opkomst (kiezers);Opkomst (%);Tijd');
    expect(lines[1]).toBe('GM0599-1;1;"Wijkgebouw ""De Hoek"", zaal 2";Noord;1500;710;47,3;13:00');
    expect(lines[2]).toBe('GM0599-2;2;Stembureau 2;;1600;;;');
  });

  it('writes English column names with a decimal point in English', () => {
    const lines = localizeCsv(turnout, 'en').slice(1).split('\r\n');
    expect(lines[0]).toBe('Station id,Number,Name,District,Expected voters,Turnout (voters),Turnout (%),Time');
    expect(lines[1]).toBe('GM0599-1,1,"Wijkgebouw ""De Hoek"", zaal 2",Noord,1500,710,47.3,13:00');
  });

  it("keeps a list's column as the server named it, and names the municipality's row in the language", () => {
    const results = 'unit,stations,stations_in,admitted_voters,votes_cast,blank,invalid,1. VVD,"2. Lijst ""Samen"", Rotterdam"\nGemeente,8,1,620,620,0,0,300,200\nNoord,4,1,620,620,0,0,300,200\n';
    const lines = localizeCsv(results, 'nl').slice(1).split('\r\n');
    expect(lines[0]).toBe('Gebied;Stembureaus;Stembureaus binnen;Toegelaten kiezers;Uitgebrachte stemmen;Blanco;Ongeldig;1. VVD;"2. Lijst ""Samen"", Rotterdam"');
    expect(lines[1]).toBe('Gemeente;8;1;620;620;0;0;300;200');
    const english = localizeCsv(results, 'en').slice(1).split('\r\n');
    expect(english[1]).toBe('Municipality,8,1,620,620,0,0,300,200');
    expect(english[2]).toBe('Noord,4,1,620,620,0,0,300,200');
  });
});
