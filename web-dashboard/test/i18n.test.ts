import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { en, nl, translate } from '../src/i18n';

describe('translations', () => {
  it('has every key in both languages, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(nl).sort());
    for (const [key, text] of [...Object.entries(nl), ...Object.entries(en)]) expect(text, key).not.toBe('');
  });

  it('names every alert kind and status the server can send', () => {
    const api = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
    const kinds: string[] = api.components.schemas.AlertKind.enum;
    const statuses: string[] = api.components.schemas.AlertStatus.enum;
    expect(kinds.length).toBeGreaterThan(10);
    for (const kind of kinds) expect(Object.keys(nl), kind).toContain(`alert_${kind}`);
    for (const status of statuses) expect(Object.keys(nl), status).toContain(`astatus_${status}`);
  });

  it('fills in variables', () => {
    expect(translate('nl', 'completeness', { in: 3, total: 7 })).toBe('3 van 7 stembureaus binnen');
    expect(translate('en', 'completeness', { in: 3, total: 7 })).toBe('3 of 7 stations in');
  });
});
