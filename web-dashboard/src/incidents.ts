// The incident queue, folded from the server's incident and message events.
import type { ChangeView, Coordinator } from './api/types';

export type IncidentStatus = 'new' | 'acknowledged' | 'in_progress' | 'resolved';
export const INCIDENT_STATUSES: IncidentStatus[] = ['new', 'acknowledged', 'in_progress', 'resolved'];

export interface ThreadMessage {
  seq: number;
  from: 'station' | 'control';
  author: string;
  text: string;
  at: number;
}

export interface Incident {
  incidentId: string;
  stationId: string;
  category: string;
  severity: string;
  text: string;
  reportedAt: number;
  status: IncidentStatus;
  assignee: string | null;
  messages: ThreadMessage[];
}

export interface StationMessage {
  seq: number;
  stationId: string;
  text: string;
  author: string;
  at: number;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The report inside a station's operation payload, by kind. */
export function reportOf(change: ChangeView): Json {
  return obj(obj(obj(change.payload).report)[change.kind]);
}

export function foldIncidents(events: ChangeView[]): {
  incidents: Incident[];
  messages: StationMessage[];
} {
  const byId = new Map<string, Incident>();
  const messages: StationMessage[] = [];
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  for (const e of sorted) {
    const stationId = e.station_id ?? '';
    if (e.kind === 'incident') {
      const r = reportOf(e);
      const id = str(r.incident_id);
      if (!byId.has(id)) {
        byId.set(id, {
          incidentId: id,
          stationId,
          category: str(r.category),
          severity: str(r.severity),
          text: str(r.text),
          reportedAt: e.recorded_at,
          status: 'new',
          assignee: null,
          messages: [],
        });
      }
    } else if (e.kind === 'incident_message') {
      const r = reportOf(e);
      byId.get(str(r.incident_id))?.messages.push({
        seq: e.seq,
        from: 'station',
        author: stationId,
        text: str(r.text),
        at: e.recorded_at,
      });
    } else if (e.kind === 'incident_status') {
      const p = obj(e.payload);
      const incident = byId.get(str(p.incident_id));
      if (incident) {
        incident.status = (str(p.status) || incident.status) as IncidentStatus;
        if (typeof p.assignee === 'string') incident.assignee = p.assignee;
      }
    } else if (e.kind === 'message') {
      const p = obj(e.payload);
      const incident = p.incident_id ? byId.get(str(p.incident_id)) : undefined;
      const message = { seq: e.seq, text: str(p.text), author: str(p.from), at: e.committed_at };
      if (incident) incident.messages.push({ ...message, from: 'control' });
      else messages.push({ ...message, stationId });
    }
  }
  return { incidents: [...byId.values()], messages };
}

/**
 * Whom an incident can be assigned to: the municipality's coordinators and
 * administrators, oneself, and whoever has it now (kept even when no longer listed).
 */
export function assigneeOptions(coordinators: Coordinator[], current: string | null, me: string | null): { username: string; administrator: boolean }[] {
  const options = coordinators.map((c) => ({ username: c.username, administrator: c.role === 'administrator' }));
  for (const extra of [current, me]) {
    if (extra && !options.some((o) => o.username === extra)) options.push({ username: extra, administrator: false });
  }
  return options;
}
