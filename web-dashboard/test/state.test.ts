import { describe, expect, it } from 'vitest';
import type { ChangeView, StationSummary } from '../src/api/types';
import { applyChanges, asksForAction, fromSnapshot, query, statusOf } from '../src/live/state';

export function station(n: number, over: Partial<StationSummary> = {}): StationSummary {
  return {
    station_id: `GM0599-${n}`,
    municipality_code: 'GM0599',
    number: n,
    name: `Stembureau ${n}`,
    district: n % 2 ? 'Zuid' : 'Noord',
    phase: 'setup',
    members_present: 0,
    open_incidents: 0,
    resupply_requested: 0,
    last_event_seq: 0,
    ...over,
  };
}

function change(seq: number, s: StationSummary, kind = 'turnout'): ChangeView {
  return { seq, kind, station_id: s.station_id, recorded_at: seq, committed_at: seq, station: { ...s, last_event_seq: seq } };
}

describe('status', () => {
  it('maps phase and trouble to the six colours', () => {
    expect(statusOf(station(1))).toBe('not_open');
    expect(statusOf(station(1, { phase: 'open' }))).toBe('open');
    expect(statusOf(station(1, { phase: 'open', open_incidents: 1 }))).toBe('problem');
    // Ballots asked for: a problem until the control room sends them, then on their way.
    expect(statusOf(station(1, { phase: 'open', resupply_requested: 500, resupply_outstanding: 500 }))).toBe('problem');
    expect(statusOf(station(1, { phase: 'open', resupply_requested: 500, resupply_outstanding: 0, resupply_in_transit: 500 }))).toBe('on_the_way');
    expect(statusOf(station(1, { phase: 'open', resupply_requested: 500, resupply_outstanding: 0, resupply_in_transit: 0 }))).toBe('open');
    expect(statusOf(station(1, { phase: 'closed' }))).toBe('closed');
    // A station the server has alerts for is a problem whatever its phase: the map and
    // the alerts panel count the same stations.
    const flagged = new Set(['GM0599-1']);
    expect(statusOf(station(1), flagged)).toBe('problem');
    expect(statusOf(station(1, { phase: 'result_submitted' }), flagged)).toBe('problem');
    expect(statusOf(station(2, { phase: 'open' }), flagged)).toBe('open');
    // Only alerts that ask for action make a station red; seen, they still do (someone
    // is on it); resolved, they no longer do.
    const silent = { needs_action: true };
    expect(asksForAction(silent)).toBe(true);
    expect(asksForAction({ ...silent, handled: { status: 'acknowledged' } })).toBe(true);
    expect(asksForAction({ ...silent, handled: { status: 'resolved' } })).toBe(false);
    expect(asksForAction({ needs_action: false, handled: null })).toBe(false);
    expect(statusOf(station(1, { phase: 'result_submitted' }))).toBe('result_in');
  });
});

describe('live state', () => {
  it('counts the snapshot and keeps counts right through changes', () => {
    const state = fromSnapshot('E', 10, [station(1), station(2), station(3, { phase: 'open' })]);
    expect(state.counts).toMatchObject({ not_open: 2, open: 1 });
    applyChanges(state, [change(11, station(1, { phase: 'open' })), change(12, station(3, { phase: 'open', open_incidents: 1 }), 'incident')]);
    expect(state.counts).toMatchObject({ not_open: 1, open: 1, problem: 1 });
    expect(state.seq).toBe(12);
    expect(Object.values(state.counts).reduce((a, b) => a + b)).toBe(3);
  });

  it('applies each change once: a resume that repeats changes is harmless', () => {
    const state = fromSnapshot('E', 10, [station(1, { phase: 'open' })]);
    const a = change(11, station(1, { phase: 'open', turnout: 100 }));
    const b = change(12, station(1, { phase: 'open', turnout: 150 }));
    applyChanges(state, [a]);
    const version = state.version;
    applyChanges(state, [a, b]);
    applyChanges(state, [a, b]);
    expect(state.stations.get('GM0599-1')?.turnout).toBe(150);
    expect(state.recent.map((c) => c.seq)).toEqual([12, 11]);
    expect(state.version).toBe(version + 1);
  });

  it('ignores changes already in the snapshot', () => {
    const state = fromSnapshot('E', 20, [station(1, { phase: 'open', turnout: 300, last_event_seq: 20 })]);
    applyChanges(state, [change(15, station(1, { phase: 'open', turnout: 100 }))]);
    expect(state.stations.get('GM0599-1')?.turnout).toBe(300);
    expect(state.version).toBe(0);
  });

  it('a snapshot that skips a dashboard forward keeps its feed and re-renders', () => {
    const state = fromSnapshot('E', 10, [station(1, { phase: 'open' }), station(2)]);
    applyChanges(state, [change(11, station(1, { phase: 'open', turnout: 100 }))]);
    const version = state.version;
    // It fell behind; the server sends the latest state instead of what it missed.
    const next = fromSnapshot('E', 500, [station(1, { phase: 'closed', last_event_seq: 480 }), station(2, { phase: 'open', last_event_seq: 499 })], state);
    expect(next.seq).toBe(500);
    expect(next.counts).toMatchObject({ open: 1, closed: 1, not_open: 0 });
    expect(next.recent.map((c) => c.seq)).toEqual([11]);
    expect(next.version).toBeGreaterThan(version);
    // Pages that load their own lists (incidents) see that a snapshot came.
    expect(next.snapshots).toBe(state.snapshots + 1);
    // A snapshot of another election starts over.
    const other = fromSnapshot('F', 3, [], next);
    expect(other.recent).toEqual([]);
    expect(other.version).toBe(0);
    expect(other.snapshots).toBe(1);
  });

  it('adds a station it did not know', () => {
    const state = fromSnapshot('E', 0, []);
    applyChanges(state, [change(1, station(9, { phase: 'open' }))]);
    expect(state.counts.open).toBe(1);
  });
});

describe('list query', () => {
  const state = fromSnapshot('E', 0, [
    station(1, { phase: 'open', turnout: 50 }),
    station(2, { phase: 'open', open_incidents: 2, turnout: 10 }),
    station(3, { turnout: 70 }),
    station(12, { phase: 'closed', name: 'De Doelen' }),
  ]);

  it('filters by status and text', () => {
    expect(query(state, { text: '', status: 'problem', sort: 'number', descending: false }).map((s) => s.number)).toEqual([2]);
    expect(query(state, { text: 'doelen', status: '', sort: 'number', descending: false }).map((s) => s.number)).toEqual([12]);
    expect(query(state, { text: '12', status: '', sort: 'number', descending: false }).map((s) => s.number)).toEqual([12]);
    expect(query(state, { text: 'noord', status: '', sort: 'number', descending: false }).map((s) => s.number)).toEqual([2, 12]);
  });

  it('sorts by status (trouble first), turnout and number', () => {
    expect(query(state, { text: '', status: '', sort: 'status', descending: false }).map((s) => s.number)).toEqual([2, 3, 1, 12]);
    expect(query(state, { text: '', status: '', sort: 'turnout', descending: true }).map((s) => s.number)).toEqual([3, 1, 2, 12]);
    expect(query(state, { text: '', status: '', sort: 'number', descending: true }).map((s) => s.number)).toEqual([12, 3, 2, 1]);
  });
});
