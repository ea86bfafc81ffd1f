// The incident queue, folded from the server's incident and message events.
import type { ChangeView, Coordinator, IncidentCategory, IncidentSeverity, IncidentStatus } from './api/types';
import type { Key } from './i18n';
import { actionOf, reportOf } from './payload';

export type { IncidentStatus };
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
  category: IncidentCategory;
  severity: IncidentSeverity;
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

export function foldIncidents(events: ChangeView[]): {
  incidents: Incident[];
  messages: StationMessage[];
} {
  const byId = new Map<string, Incident>();
  const messages: StationMessage[] = [];
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  for (const e of sorted) {
    const stationId = e.station_id ?? '';
    const report = reportOf(e);
    const action = actionOf(e);
    if (report && 'incident' in report) {
      const r = report.incident;
      if (!byId.has(r.incident_id)) {
        byId.set(r.incident_id, {
          incidentId: r.incident_id,
          stationId,
          category: r.category,
          severity: r.severity,
          text: r.text,
          reportedAt: e.recorded_at,
          status: 'new',
          assignee: null,
          messages: [],
        });
      }
    } else if (report && 'incident_message' in report) {
      const r = report.incident_message;
      byId.get(r.incident_id)?.messages.push({
        seq: e.seq,
        from: 'station',
        author: stationId,
        text: r.text,
        at: e.recorded_at,
      });
    } else if (action?.action === 'incident_status') {
      const incident = byId.get(action.incident_id);
      if (incident) {
        incident.status = action.status;
        if (typeof action.assignee === 'string') incident.assignee = action.assignee;
      }
    } else if (action?.action === 'message') {
      const incident = action.incident_id ? byId.get(action.incident_id) : undefined;
      const message = { seq: e.seq, text: action.text, author: action.from, at: e.committed_at };
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

/** The words for a category and a severity (src/i18n.ts), never the wire's English. */
export const categoryKey = (c: IncidentCategory): Key => `icat_${c}`;
export const severityKey = (s: IncidentSeverity): Key => `isev_${s}`;

/**
 * The coordinator's worklist: the open incidents (new, acknowledged, in progress)
 * first and the resolved after, each oldest first; only the district's when one is
 * chosen ('' for all). `districtOf` tells a station's district.
 */
export function worklist(
  incidents: Incident[],
  districtOf: (stationId: string) => string | null | undefined,
  district = '',
): { open: Incident[]; resolved: Incident[] } {
  const chosen = district ? incidents.filter((i) => (districtOf(i.stationId) ?? '') === district) : incidents;
  const oldestFirst = [...chosen].sort((a, b) => a.reportedAt - b.reportedAt || a.incidentId.localeCompare(b.incidentId));
  return { open: oldestFirst.filter((i) => i.status !== 'resolved'), resolved: oldestFirst.filter((i) => i.status === 'resolved') };
}
