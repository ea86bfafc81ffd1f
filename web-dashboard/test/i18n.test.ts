import { describe, expect, it } from 'vitest';
import { en, nl, translate } from '../src/i18n';

describe('translations', () => {
  it('has every key in both languages, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(nl).sort());
    for (const [key, text] of [...Object.entries(nl), ...Object.entries(en)]) expect(text, key).not.toBe('');
  });

  it('fills in variables', () => {
    expect(translate('nl', 'completeness', { in: 3, total: 7 })).toBe('3 van 7 stembureaus binnen');
    expect(translate('en', 'completeness', { in: 3, total: 7 })).toBe('3 of 7 stations in');
  });
});
