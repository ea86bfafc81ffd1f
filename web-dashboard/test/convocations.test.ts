import { describe, expect, it } from 'vitest';
import { field } from '../src/pages/Convocations';

describe('the follow-up CSV', () => {
  it('never lets a reason become a formula in a spreadsheet', () => {
    expect(field('=HYPERLINK("http://x","klik")')).toBe(`"'=HYPERLINK(""http://x"",""klik"")"`);
    expect(field('+31 6 1234')).toBe("'+31 6 1234");
    expect(field('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(field('Op vakantie')).toBe('Op vakantie');
    expect(field('een; twee')).toBe('"een; twee"');
  });
});
