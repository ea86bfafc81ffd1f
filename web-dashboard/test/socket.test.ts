// The dashboard connection never goes silently stale: every frame (the server's
// heartbeat too) is proof of life; 25 s without one shows the connection as stale and
// resumes on a new socket from the last sequence number applied.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveConnection, STALE_AFTER_MS, reconnectDelay, type ConnectionStatus } from '../src/live/socket';
import type { StationSummary } from '../src/api/types';
import type { LiveState } from '../src/live/state';

function station(n: number, over: Partial<StationSummary> = {}): StationSummary {
  return {
    station_id: `GM0599-${n}`,
    municipality_code: 'GM0599',
    number: n,
    name: `Stembureau ${n}`,
    district: 'Noord',
    phase: 'setup',
    members_present: 0,
    open_incidents: 0,
    resupply_requested: 0,
    last_event_seq: 0,
    ...over,
  };
}

/** A WebSocket the test plays the server for. */
class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  sent: Record<string, unknown>[] = [];
  closed = false;

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
    setTimeout(() => this.onopen?.(), 0);
  }

  send(text: string): void {
    this.sent.push(JSON.parse(text));
  }

  /** A close that never completes, as on a dead network: no close event. */
  close(): void {
    this.closed = true;
  }

  receive(frame: object): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

function snapshot(seq: number) {
  return { type: 'snapshot', election_id: 'E', seq, stations: [station(1, { phase: 'open' }), station(2)] };
}

function changes(seq: number) {
  return {
    type: 'changes',
    changes: [{ seq, kind: 'turnout', station_id: 'GM0599-1', recorded_at: seq, committed_at: seq, station: station(1, { phase: 'open', turnout: seq, last_event_seq: seq }) }],
  };
}

const heartbeat = () => ({ type: 'heartbeat', server_time: Date.now() });

let statuses: ConnectionStatus[];
let states: number;
let connection: LiveConnection;

/** The newest socket, once it is open and has subscribed. */
async function opened(): Promise<FakeSocket> {
  // The token is asked for, then the socket opens: a few turns of the event loop.
  for (let i = 0; i < 3; i += 1) await vi.advanceTimersByTimeAsync(1);
  const socket = FakeSocket.all[FakeSocket.all.length - 1];
  expect(socket.sent[0]).toMatchObject({ type: 'subscribe', municipality: 'GM0599' });
  return socket;
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.all = [];
  vi.stubGlobal('WebSocket', FakeSocket);
  statuses = [];
  states = 0;
  connection = new LiveConnection({
    url: 'ws://test/ws/dashboard',
    municipality: 'GM0599',
    token: async () => 'token',
    onState: () => (states += 1),
    onStatus: (s) => statuses.push(s),
    onExpired: () => {},
    onError: () => {},
  });
  connection.start();
});

afterEach(() => {
  connection.stop();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('a quiet connection', () => {
  it('stays live on heartbeats alone, and heartbeats leave the state alone', async () => {
    const socket = await opened();
    socket.receive(snapshot(7));
    const before: LiveState | null = connection.state;
    for (let i = 0; i < 6; i += 1) {
      await vi.advanceTimersByTimeAsync(10_000);
      socket.receive(heartbeat());
    }
    expect(connection.status).toBe('live');
    expect(FakeSocket.all).toHaveLength(1);
    expect(socket.closed).toBe(false);
    expect(states).toBe(1);
    expect(connection.state).toBe(before);
    expect(connection.state?.seq).toBe(7);
    expect(connection.state?.version).toBe(0);
  });

  it('shows as stale after 25 s without a frame and resumes from the last change applied', async () => {
    const socket = await opened();
    socket.receive(snapshot(7));
    await vi.advanceTimersByTimeAsync(5_000);
    socket.receive(changes(8));
    await vi.advanceTimersByTimeAsync(STALE_AFTER_MS - 100);
    expect(connection.status).toBe('live');
    expect(FakeSocket.all).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(100);
    expect(statuses).toContain('stale');
    expect(socket.closed).toBe(true);
    const next = await opened();
    expect(next).not.toBe(socket);
    expect(next.sent[0]).toMatchObject({ type: 'subscribe', since_seq: 8 });
    expect(connection.status).toBe('stale');

    // The old socket's late frames are not applied; the new one's are.
    socket.receive(changes(9));
    expect(connection.state?.seq).toBe(8);
    next.receive(changes(9));
    expect(connection.status).toBe('live');
    expect(connection.state?.seq).toBe(9);
    expect(connection.state?.stations.get('GM0599-1')?.turnout).toBe(9);
  });

  it('counts 25 s from the last frame of any kind, a heartbeat included', async () => {
    const socket = await opened();
    socket.receive(snapshot(7));
    await vi.advanceTimersByTimeAsync(20_000);
    socket.receive(heartbeat());
    await vi.advanceTimersByTimeAsync(20_000);
    expect(connection.status).toBe('live');
    expect(FakeSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(statuses).toContain('stale');
    expect(await opened()).not.toBe(socket);
  });

  it('gives up on a server that never answers the subscription', async () => {
    const socket = await opened();
    await vi.advanceTimersByTimeAsync(STALE_AFTER_MS);
    expect(socket.closed).toBe(true);
    expect(statuses).toContain('stale');
    const next = await opened();
    expect(next.sent[0]).toMatchObject({ since_seq: null });
    next.receive(snapshot(3));
    expect(connection.status).toBe('live');
  });
});

describe('what the server says about itself', () => {
  it('passes a storage alarm on, and its end', async () => {
    const said: { storing: boolean; reason: string | null }[] = [];
    connection.stop();
    connection = new LiveConnection({
      url: 'ws://test/ws/dashboard',
      municipality: 'GM0599',
      token: async () => 'token',
      onState: () => {},
      onStatus: () => {},
      onExpired: () => {},
      onError: () => {},
      onStorage: (s) => said.push({ storing: s.storing, reason: s.reason }),
    });
    connection.start();
    const socket = await opened();
    socket.receive(snapshot(7));
    socket.receive({ type: 'storage', storing: false, failing_since: 1_000, reason: 'database or disk is full' });
    socket.receive({ type: 'storage', storing: true, failing_since: null, reason: null });
    expect(said).toEqual([
      { storing: false, reason: 'database or disk is full' },
      { storing: true, reason: null },
    ]);
  });

  // A disabled user signs in anew; an expired access token is refreshed. Either way
  // the refused token is not retried and no error is shown.
  it.each([
    ['account_disabled', 'sign in again'],
    ['expired_token', 'Uw aanmelding is verlopen; meld u opnieuw aan.'],
  ] as const)('hands a %s refusal to the session instead of retrying the token', async (code, message) => {
    let expired = 0;
    const errors: string[] = [];
    connection.stop();
    connection = new LiveConnection({
      url: 'ws://test/ws/dashboard',
      municipality: 'GM0599',
      token: async () => 'token',
      onState: () => {},
      onStatus: () => {},
      onExpired: () => (expired += 1),
      onError: (text) => errors.push(text),
    });
    const before = FakeSocket.all.length;
    connection.start();
    const socket = await opened();
    socket.receive({ type: 'error', code, message });
    socket.onclose?.();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(expired).toBe(1);
    expect(errors).toEqual([]);
    expect(FakeSocket.all.length - before).toBe(1);
  });
});

describe('reconnectDelay', () => {
  it('doubles to 5 s and spreads each wait over its upper half', () => {
    expect(reconnectDelay(0, false, () => 0)).toBe(125);
    expect(reconnectDelay(0, false, () => 1)).toBe(250);
    expect(reconnectDelay(3, false, () => 0.5)).toBe(1_500);
    expect(reconnectDelay(10, false, () => 1)).toBe(5_000);
    expect(reconnectDelay(10, false, () => 0)).toBe(2_500);
    expect(reconnectDelay(1_000, false, () => 1)).toBe(5_000);
    expect(reconnectDelay(0, true, () => 0)).toBe(1_000);
    // Two dashboards with other draws come back at other moments.
    expect(reconnectDelay(4, false, () => 0.1)).not.toBe(reconnectDelay(4, false, () => 0.9));
  });
});
