import { describe, expect, it } from 'vitest';
import type { ChangeView, Report, ControlRoomAction } from '../src/api/types';
import { translate, type Key } from '../src/i18n';
import { describe as describeEvent } from '../src/pages/StationDetail';
import { actionOf, reportOf, turnoutOf } from '../src/payload';

const t = (key: Key, vars?: Record<string, string | number>) => translate('en', key, vars);
const change = (kind: string, payload: ChangeView['payload']): ChangeView => ({
  seq: 1,
  kind,
  station_id: 'GM0599-1',
  recorded_at: 1000,
  committed_at: 2000,
  payload,
});
const op = (report: Report) =>
  change(Object.keys(report)[0], { id: 'op-1', device_seq: 1, station_id: 'GM0599-1', recorded_at: 1000, report, confirmed_warnings: [] });
const act = (action: ControlRoomAction) => change(action.action, action);

describe('event payloads', () => {
  it('tell a station report from a control-room action', () => {
    const turnout = op({ turnout: { count: 1234, moment: 'ad_hoc', correction_reason: null } });
    expect(reportOf(turnout)).toEqual({ turnout: { count: 1234, moment: 'ad_hoc', correction_reason: null } });
    expect(actionOf(turnout)).toBeNull();
    expect(turnoutOf(turnout)).toBe(1234);
    const dispatch = act({ action: 'resupply_dispatched', quantity: 200, note: 'bode' });
    expect(reportOf(dispatch)).toBeNull();
    expect(actionOf(dispatch)).toEqual({ action: 'resupply_dispatched', quantity: 200, note: 'bode' });
    expect(turnoutOf(dispatch)).toBeNull();
  });

  it('a scheduled turnout moment is its time', () => {
    expect(turnoutOf(op({ turnout: { count: 5, moment: { scheduled: 1_773_815_400_000 }, correction_reason: null } }))).toBe(5);
  });

  it('are neither for a payload the server left out', () => {
    const withheld = change('provisional_result', null);
    expect([reportOf(withheld), actionOf(withheld), turnoutOf(withheld)]).toEqual([null, null, null]);
    expect(describeEvent(withheld, t)).toBe('');
    expect(describeEvent(change('turnout', undefined), t)).toBe('');
  });
});

describe('the station timeline', () => {
  it('describes reports and actions from their typed payloads', () => {
    expect(describeEvent(op({ ballot_stock: { received: 1500, remaining: 700 } }), t)).toBe(`${(1500).toLocaleString('nl-NL')} / 700`);
    expect(describeEvent(op({ resupply_request: { quantity: 300, urgency: 'high', note: '' } }), t)).toBe('300');
    expect(describeEvent(op({ incident: { incident_id: 'i1', category: 'equipment', severity: 'low', text: 'Printer' } }), t)).toBe('Printer');
    expect(describeEvent(act({ action: 'message', message_id: 'm1', incident_id: null, from: 'Regiekamer', text: 'Hallo' }), t)).toBe('Regiekamer: Hallo');
    expect(describeEvent(act({ action: 'incident_status', incident_id: 'i1', status: 'in_progress', assignee: 'ahmed' }), t)).toBe('In progress (ahmed)');
    expect(describeEvent(act({ action: 'incident_status', incident_id: 'i1', status: 'resolved', assignee: null }), t)).toBe('Resolved');
    expect(describeEvent(act({ action: 'resupply_dispatched', quantity: 200, note: 'bode' }), t)).toBe('200 bode');
    expect(describeEvent(act({ action: 'alert_handled', kind: 'device_silent', status: 'resolved', detail: 'Geen contact sinds 14:05', by: 'fatima' }), t)).toBe(
      'Device silent: resolved (fatima) — Geen contact sinds 14:05',
    );
    expect(describeEvent(op({ closing: { voters_in_queue_at_close: 3 } }), t)).toBe('');
  });
});
