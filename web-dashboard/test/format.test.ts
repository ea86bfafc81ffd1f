import { describe, expect, it, vi } from 'vitest';
import { formatAge, formatDateTime, formatNumber, formatPercent, formatTime } from '../src/format';

// The election's clock: the dashboard shows local time, here the Netherlands'.
vi.stubEnv('TZ', 'Europe/Amsterdam');
const evening = Date.UTC(2026, 2, 18, 20, 0); // 18 March 2026, 21:00 in Amsterdam

describe('Dutch figures by default, English on the switch', () => {
  it('groups thousands and writes a decimal comma', () => {
    expect(formatNumber(12345, 'nl')).toBe('12.345');
    expect(formatNumber(12345, 'en')).toBe('12,345');
    expect(formatNumber(null, 'nl')).toBe('–');
    expect(formatPercent(47.34, 'nl')).toBe('47,3 %');
    expect(formatPercent(47.34, 'en')).toBe('47.3%');
    expect(formatPercent(null, 'nl')).toBe('–');
  });

  it('writes a moment with its day and month', () => {
    expect(formatDateTime(evening, 'nl')).toBe('18 maart 21:00');
    expect(formatDateTime(evening, 'en')).toBe('18 March 21:00');
    expect(formatTime(evening + 5_000, 'nl')).toBe('21:00:05');
  });

  it('says how long ago', () => {
    expect(formatAge(evening - 12 * 60_000, evening, 'nl')).toBe('12 minuten');
    expect(formatAge(evening - 130 * 60_000, evening, 'en')).toBe('2 hours');
    expect(formatAge(evening - 20_000, evening, 'nl')).toBe('< 1 min');
  });
});
