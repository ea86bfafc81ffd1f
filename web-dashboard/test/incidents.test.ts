import { describe, expect, it } from 'vitest';
import type { ChangeView } from '../src/api/types';
import { assigneeOptions, foldIncidents } from '../src/incidents';

const e = (seq: number, kind: string, payload: unknown, station = 'GM0599-1'): ChangeView => ({
  seq,
  kind,
  station_id: station,
  recorded_at: seq * 1000,
  committed_at: seq * 1000,
  payload,
});

describe('incident queue', () => {
  it('folds reports, status, assignment and the thread both ways', () => {
    const events = [
      e(1, 'incident', { report: { incident: { incident_id: 'i1', category: 'accessibility', severity: 'high', text: 'Geen hellingbaan' } } }),
      e(2, 'incident_status', { action: 'incident_status', incident_id: 'i1', status: 'acknowledged', assignee: 'Fatima' }),
      e(3, 'message', { action: 'message', message_id: 'm1', incident_id: 'i1', from: 'Regiekamer', text: 'Komt eraan' }),
      e(4, 'incident_message', { report: { incident_message: { incident_id: 'i1', text: 'Dank' } } }),
      e(5, 'message', { action: 'message', message_id: 'm2', incident_id: null, from: 'Regiekamer', text: 'Aan allen' }, 'GM0599-2'),
      e(6, 'incident_status', { action: 'incident_status', incident_id: 'i1', status: 'resolved', assignee: null }),
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
      e(1, 'incident_status', { incident_id: 'x', status: 'resolved' }),
      e(2, 'incident', { report: { incident: { incident_id: 'i2', category: 'other', severity: 'low', text: 't' } } }),
    ]);
    expect(incidents.map((i) => [i.incidentId, i.status])).toEqual([['i2', 'new']]);
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
