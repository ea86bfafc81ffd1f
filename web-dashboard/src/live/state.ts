// The control room's live state: a snapshot, then changes applied in sequence order.
// Pure and synchronous, so it is unit-tested and benchmarked without a browser.
import type { ChangeView, StationSummary } from '../api/types';

export type Status = 'not_open' | 'open' | 'problem' | 'on_the_way' | 'closed' | 'result_in';
export const STATUSES: Status[] = ['not_open', 'open', 'problem', 'on_the_way', 'closed', 'result_in'];

export interface LiveState {
  electionId: string;
  /** The last sequence number applied: a resume asks for what follows it. */
  seq: number;
  stations: Map<string, StationSummary>;
  counts: Record<Status, number>;
  /** Bumped on every applied change, for cheap re-render checks. */
  version: number;
  /** The latest changes, newest first (a short feed). */
  recent: ChangeView[];
  /**
   * Snapshots applied to this election's state: a snapshot may stand for changes the
   * feed never got (what fell in a long gap), so pages built from their own requests
   * (incidents) reload when it changes.
   */
  snapshots: number;
}

const RECENT = 50;

/**
 * Whether an alert makes its station a problem now: one the server says asks the
 * control room to act (`needs_action`: not turnout far from expected or corrected
 * downward, nor a result with confirmed warnings, which are for information) and that
 * no coordinator has resolved. A seen (acknowledged) alert still does, with the
 * coordinator's name beside it.
 */
export function asksForAction(alert: { needs_action: boolean; handled?: { status: string } | null }): boolean {
  return alert.needs_action && alert.handled?.status !== 'resolved';
}

/**
 * A station's status. `flagged` holds the stations the server has alerts for (late
 * opening, open incidents, ballots asked for, a silent device, ...): each of those is a
 * problem whatever its phase, so that every red dot has its reasons in the alerts
 * panel and the panel and the map count the same stations.
 */
export function statusOf(s: StationSummary, flagged?: ReadonlySet<string>): Status {
  if (flagged?.has(s.station_id)) return 'problem';
  switch (s.phase) {
    case 'result_submitted':
      return 'result_in';
    case 'closed':
      return 'closed';
    case 'open':
      // Ballots asked for and not yet sent need the control room; once sent they are
      // on their way until the station reports them received.
      if (s.open_incidents > 0 || (s.resupply_outstanding ?? 0) > 0) return 'problem';
      return (s.resupply_in_transit ?? 0) > 0 ? 'on_the_way' : 'open';
    default:
      return 'not_open';
  }
}

function emptyCounts(): Record<Status, number> {
  return { not_open: 0, open: 0, problem: 0, on_the_way: 0, closed: 0, result_in: 0 };
}

/**
 * The state of a snapshot. A snapshot that replaces an earlier state of the same
 * election (the server skipped a dashboard that fell behind forward, or it resumed
 * after a long gap) keeps that state's feed of recent changes and counts on from its
 * version, so what is on screen re-renders rather than starting over.
 */
export function fromSnapshot(
  electionId: string,
  seq: number,
  stations: StationSummary[],
  previous?: LiveState | null,
): LiveState {
  const map = new Map<string, StationSummary>();
  const counts = emptyCounts();
  for (const s of stations) {
    map.set(s.station_id, s);
    counts[statusOf(s)] += 1;
  }
  const same = previous && previous.electionId === electionId;
  const recent = same ? previous.recent.filter((c) => c.seq <= seq) : [];
  const version = same ? previous.version + 1 : 0;
  const snapshots = same ? previous.snapshots + 1 : 1;
  return { electionId, seq, stations: map, counts, version, recent, snapshots };
}

/**
 * Applies changes in order. Changes at or below the state's sequence number were
 * already applied (a resume may repeat some) and are skipped: each applies once.
 * Mutates and returns the same state, with a new version when anything changed.
 */
export function applyChanges(state: LiveState, changes: ChangeView[]): LiveState {
  let applied = 0;
  for (const change of changes) {
    if (change.seq <= state.seq) continue;
    state.seq = change.seq;
    applied += 1;
    const next = change.station;
    if (next) {
      const before = state.stations.get(next.station_id);
      if (!before || before.last_event_seq <= next.last_event_seq) {
        if (before) state.counts[statusOf(before)] -= 1;
        state.counts[statusOf(next)] += 1;
        state.stations.set(next.station_id, next);
      }
    }
    state.recent.unshift(change);
  }
  if (state.recent.length > RECENT) state.recent.length = RECENT;
  if (applied > 0) state.version += 1;
  return state;
}

export type SortKey = 'number' | 'name' | 'status' | 'turnout' | 'ballots' | 'district';

export interface ListQuery {
  text: string;
  status: Status | '';
  sort: SortKey;
  descending: boolean;
}

const ORDER: Record<Status, number> = { problem: 0, not_open: 1, on_the_way: 2, open: 3, closed: 4, result_in: 5 };

/** The stations matching a filter, sorted. */
export function query(state: LiveState, q: ListQuery, flagged?: ReadonlySet<string>): StationSummary[] {
  const text = q.text.trim().toLowerCase();
  const rows: StationSummary[] = [];
  for (const s of state.stations.values()) {
    if (q.status && statusOf(s, flagged) !== q.status) continue;
    if (
      text &&
      !s.name.toLowerCase().includes(text) &&
      !String(s.number).includes(text) &&
      !(s.district ?? '').toLowerCase().includes(text)
    )
      continue;
    rows.push(s);
  }
  const key = (s: StationSummary): number | string => {
    switch (q.sort) {
      case 'name':
        return s.name;
      case 'status':
        return ORDER[statusOf(s, flagged)];
      case 'turnout':
        return s.turnout ?? -1;
      case 'ballots':
        return s.ballots_remaining ?? Number.MAX_SAFE_INTEGER;
      case 'district':
        return s.district ?? '';
      default:
        return s.number;
    }
  };
  // Each key computed once, not twice per comparison: this runs on every frame.
  const keyed = rows.map((s) => ({ k: key(s), n: s.number, s }));
  const sign = q.descending ? -1 : 1;
  keyed.sort((a, b) => sign * (a.k < b.k ? -1 : a.k > b.k ? 1 : a.n - b.n));
  return keyed.map((r) => r.s);
}
