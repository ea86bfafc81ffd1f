import { describe, expect, it } from 'vitest';
import type { ChangeView, Report, ControlRoomAction, IncidentCategory, IncidentSeverity } from '../src/api/types';
import { translate } from '../src/i18n';
import { assigneeOptions, categoryKey, foldIncidents, severityKey, worklist, type Incident } from '../src/incidents';

const change = (seq: number, kind: string, payload: ChangeView['payload'], station: string): ChangeView => ({
  seq,
  kind,
  station_id: station,
  recorded_at: seq * 1000,
  committed_at: seq * 1000,
  payload,
});
// A station's operation, as the server sends it.
const op = (seq: number, report: Report, station = 'GM0599-1'): ChangeView =>
  change(seq, Object.keys(report)[0], { id: `op-${seq}`, device_seq: seq, station_id: station, recorded_at: seq * 1000, report, confirmed_warnings: [] }, station);
// A control-room action, as the server sends it.
const act = (seq: number, action: ControlRoomAction, station = 'GM0599-1'): ChangeView => change(seq, action.action, action, station);

describe('incident queue', () => {
  it('folds reports, status, assignment and the thread both ways', () => {
    const events = [
      op(1, { incident: { incident_id: 'i1', category: 'accessibility', severity: 'high', text: 'Geen hellingbaan' } }),
      act(2, { action: 'incident_status', incident_id: 'i1', status: 'acknowledged', assignee: 'Fatima' }),
      act(3, { action: 'message', message_id: 'm1', incident_id: 'i1', from: 'Regiekamer', text: 'Komt eraan' }),
      op(4, { incident_message: { incident_id: 'i1', text: 'Dank' } }),
      act(5, { action: 'message', message_id: 'm2', incident_id: null, from: 'Regiekamer', text: 'Aan allen' }, 'GM0599-2'),
      act(6, { action: 'incident_status', incident_id: 'i1', status: 'resolved', assignee: null }),
    ];
    const { incidents, messages } = foldIncidents([...events].reverse());
    expect(incidents).toHaveLength(1);
    const [i] = incidents;
    expect(i).toMatchObject({ incidentId: 'i1', stationId: 'GM0599-1', status: 'resolved', assignee: 'Fatima', text: 'Geen hellingbaan' });
    expect(i.messages.map((m) => [m.from, m.text])).toEqual([
      ['control', 'Komt eraan'],
      ['station', 'Dank'],
    ]);
    expect(messages.map((m) => [m.stationId, m.text])).toEqual([['GM0599-2', 'Aan allen']]);
  });

  it('starts new and ignores status for an unknown incident', () => {
    const { incidents } = foldIncidents([
      act(1, { action: 'incident_status', incident_id: 'x', status: 'resolved', assignee: null }),
      op(2, { incident: { incident_id: 'i2', category: 'other', severity: 'low', text: 't' } }),
    ]);
    expect(incidents.map((i) => [i.incidentId, i.status])).toEqual([['i2', 'new']]);
  });

  it('shows an incident event whose payload is missing, and skips it in the queue', () => {
    // The server sends null for a payload stored by an older version that no longer reads.
    const { incidents, messages } = foldIncidents([
      change(1, 'incident', null, 'GM0599-1'),
      change(2, 'message', null, 'GM0599-1'),
      op(3, { incident: { incident_id: 'i3', category: 'safety', severity: 'critical', text: 'Brand' } }),
    ]);
    expect(incidents.map((i) => i.incidentId)).toEqual(['i3']);
    expect(messages).toEqual([]);
  });
});

describe('assignment', () => {
  const staff = [
    { username: 'ahmed', role: 'coordinator' as const },
    { username: 'beheer', role: 'administrator' as const },
  ];

  it('offers the control room staff, administrators marked', () => {
    expect(assigneeOptions(staff, null, 'ahmed')).toEqual([
      { username: 'ahmed', administrator: false },
      { username: 'beheer', administrator: true },
    ]);
  });

  it('keeps showing an assignee who is not on the list, and offers oneself', () => {
    const names = assigneeOptions(staff, 'Fatima', 'landelijk').map((o) => o.username);
    expect(names).toEqual(['ahmed', 'beheer', 'Fatima', 'landelijk']);
  });
});

describe("the coordinator's worklist", () => {
  const incident = (id: string, station: string, at: number, status: Incident['status'], assignee: string | null = null): Incident => ({
    incidentId: id,
    stationId: station,
    category: 'ballot_papers',
    severity: 'high',
    text: id,
    reportedAt: at,
    status,
    assignee,
    messages: [],
  });
  const districts: Record<string, string> = { 'GM0599-1': 'Noord', 'GM0599-2': 'Zuid', 'GM0599-3': 'Noord' };
  const all = [
    incident('late-new', 'GM0599-1', 300, 'new'),
    incident('early-resolved', 'GM0599-2', 50, 'resolved', 'fatima'),
    incident('early-progress', 'GM0599-3', 100, 'in_progress', 'fatima'),
    incident('middle-ack', 'GM0599-2', 200, 'acknowledged'),
    incident('late-resolved', 'GM0599-1', 400, 'resolved'),
  ];

  it('puts open incidents first and the oldest first', () => {
    const { open, resolved } = worklist(all, (s) => districts[s]);
    expect(open.map((i) => i.incidentId)).toEqual(['early-progress', 'middle-ack', 'late-new']);
    expect(resolved.map((i) => i.incidentId)).toEqual(['early-resolved', 'late-resolved']);
  });

  it('filters by district', () => {
    const { open, resolved } = worklist(all, (s) => districts[s], 'Zuid');
    expect(open.map((i) => i.incidentId)).toEqual(['middle-ack']);
    expect(resolved.map((i) => i.incidentId)).toEqual(['early-resolved']);
  });

  it('names every category and severity in Dutch and English, never the wire value', () => {
    const categories: IncidentCategory[] = ['staffing', 'ballot_papers', 'equipment', 'accessibility', 'voter_dispute', 'safety', 'other'];
    const severities: IncidentSeverity[] = ['low', 'medium', 'high', 'critical'];
    for (const lang of ['nl', 'en'] as const) {
      for (const key of [...categories.map(categoryKey), ...severities.map(severityKey)]) {
        const text = translate(lang, key);
        expect(text, key).not.toBe(key);
        expect([...categories, ...severities] as string[]).not.toContain(text);
      }
    }
    expect(translate('nl', categoryKey('ballot_papers'))).toBe('Stembiljetten');
    expect(translate('nl', severityKey('critical'))).toBe('Kritiek');
    expect(translate('en', severityKey('critical'))).toBe('Critical');
  });
});
