import { describe, expect, it } from 'vitest';
import type { ChangeView, Operation, PresenceReport } from '../src/api/types';
import { translate, type Key, type Lang } from '../src/i18n';
import { describe as describeEvent } from '../src/pages/StationDetail';
// As the server stores them: the chair's operation, its report serialised by serde
// (shared/tests/wire_fixtures.rs checks this file against the Rust types, which is
// what lets this test take it as the generated type).
import fixtures from './fixtures/presence-reports.json';

const wire = fixtures as Record<'arrived' | 'departed' | 'shift_change', { report: { presence: PresenceReport } }>;

const t = (lang: Lang) => (key: Key, vars?: Record<string, string | number>) => translate(lang, key, vars);
const change = (seq: number, payload: Pick<Operation, 'report'> | null): ChangeView => ({
  seq,
  kind: 'presence',
  station_id: 'GM0599-1',
  recorded_at: seq * 1000,
  committed_at: seq * 1000,
  payload: payload && { id: `op-${seq}`, device_seq: seq, station_id: 'GM0599-1', recorded_at: seq * 1000, confirmed_warnings: [], ...payload },
});

describe('presence reports on the station page', () => {
  it('names who arrived, with their role', () => {
    expect(describeEvent(change(1, wire.arrived), t('nl'))).toBe('aangekomen: Dirk (stembureaulid)');
    expect(describeEvent(change(1, wire.arrived), t('en'))).toBe('arrived: Dirk (member)');
  });

  it('names who left', () => {
    expect(describeEvent(change(2, wire.departed), t('nl'))).toBe('vertrokken: Anna');
    expect(describeEvent(change(2, wire.departed), t('en'))).toBe('departed: Anna');
  });

  it('names both sides of a shift change', () => {
    expect(describeEvent(change(3, wire.shift_change), t('nl'))).toBe(
      'ploegwissel: weg Bram, Chris; erbij Eva (voorzitter), Fenna (teller)',
    );
    expect(describeEvent(change(3, wire.shift_change), t('en'))).toBe(
      'shift change: leaving Bram, Chris; arriving Eva (chair), Fenna (counter)',
    );
  });

  it('says nothing about a presence event without its payload', () => {
    // The server sends null for a payload stored by an older version that no longer reads.
    expect(describeEvent(change(4, null), t('nl'))).toBe('');
  });
});
