// The dashboard WebSocket: subscribe, snapshot, changes; on a drop, reconnect with
// backoff and resume from the last applied sequence number, so nothing is missed and
// nothing applies twice. The connection state is published for the header.
//
// Never silently stale: the server sends a heartbeat every 10 s, so any frame is proof
// of life. A connection that has had no frame for STALE_AFTER_MS is shown as stale and
// replaced by a new one that resumes, as after a drop: a socket can stay open while
// nothing reaches it (a dead proxy, a sleeping laptop, a half-closed network).
import type { DashboardMessage, ErrorReference } from '../api/types';
import { applyChanges, fromSnapshot, type LiveState } from './state';

/**
 * Refusals after which this token will never be let in again: refresh it (an expired
 * access token) or sign in anew.
 */
const SESSION_OVER = new Set<ErrorReference>([
  'invalid_token',
  'expired_token',
  'forbidden',
  'account_disabled',
  'revoked_token',
]);

export type ConnectionStatus = 'connecting' | 'live' | 'stale' | 'reconnecting' | 'offline';

/** No frame for this long (2.5 heartbeats) and the connection is given up. */
export const STALE_AFTER_MS = 25_000;

export interface LiveOptions {
  url: string;
  municipality: string;
  token: () => Promise<string | null>;
  onState: (state: LiveState) => void;
  onStatus: (status: ConnectionStatus) => void;
  /** The token was refused: the session is over. */
  onExpired: () => void;
  onError: (message: string) => void;
  /** Whether the server can store reports (a storage alarm when it cannot). */
  onStorage?: (storage: StorageState) => void;
}

/** The server's word on storing: an alarm while its commits fail. */
export interface StorageState {
  storing: boolean;
  failingSince: number | null;
  reason: string | null;
}

export class LiveConnection {
  state: LiveState | null = null;
  status: ConnectionStatus = 'connecting';
  /** When the last snapshot or changes arrived (performance.now()), for render timings. */
  lastFrameAt = 0;
  /** When the last subscribe went out (performance.now()), for the benchmark. */
  subscribedAt = 0;
  private socket: WebSocket | null = null;
  private attempts = 0;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private watchdog: ReturnType<typeof setTimeout> | null = null;
  private holdUntil = 0;

  constructor(private options: LiveOptions) {}

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.disarm();
    this.socket?.close();
    this.socket = null;
  }

  /** Drops the connection and keeps it down for `ms` (tests and drills). */
  drop(ms = 0): void {
    this.holdUntil = Date.now() + ms;
    this.socket?.close();
  }

  private setStatus(status: ConnectionStatus): void {
    this.status = status;
    this.options.onStatus(status);
  }

  /** (Re)starts the wait for the next frame on `socket`. */
  private arm(socket: WebSocket): void {
    this.disarm();
    this.watchdog = setTimeout(() => this.stale(socket), STALE_AFTER_MS);
  }

  private disarm(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  /** Nothing arrived for too long: give the socket up and resume on a new one. */
  private stale(socket: WebSocket): void {
    if (this.socket !== socket || this.stopped) return;
    this.socket = null;
    this.watchdog = null;
    // Its close may never complete on a dead network: stop listening to it at once.
    socket.onmessage = null;
    socket.onclose = null;
    socket.close();
    this.setStatus('stale');
    this.attempts += 1;
    this.timer = setTimeout(() => void this.connect(), 0);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const token = await this.options.token();
    if (!token) {
      this.options.onExpired();
      return;
    }
    const socket = new WebSocket(this.options.url);
    this.socket = socket;
    let refused = false;
    socket.onopen = () => {
      this.arm(socket);
      this.subscribedAt = performance.now();
      socket.send(
        JSON.stringify({
          type: 'subscribe',
          token,
          municipality: this.options.municipality,
          district: null,
          since_seq: this.state ? this.state.seq : null,
        }),
      );
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      const arrived = performance.now();
      // Any frame, a heartbeat too, shows the connection is alive.
      this.arm(socket);
      let message: DashboardMessage;
      try {
        message = JSON.parse(String(event.data)) as DashboardMessage;
      } catch {
        return;
      }
      if (message.type === 'heartbeat') {
        // The server's proof of life: nothing for the state.
        if (this.state && this.status !== 'live') this.setStatus('live');
      } else if (message.type === 'snapshot') {
        this.lastFrameAt = arrived;
        this.state = fromSnapshot(message.election_id, message.seq, message.stations, this.state);
        this.attempts = 0;
        this.setStatus('live');
        this.options.onState(this.state);
      } else if (message.type === 'changes') {
        this.lastFrameAt = arrived;
        if (this.state) {
          applyChanges(this.state, message.changes);
          this.options.onState(this.state);
        }
        this.attempts = 0;
        if (this.status !== 'live') this.setStatus('live');
      } else if (message.type === 'storage') {
        this.options.onStorage?.({
          storing: message.storing,
          failingSince: message.failing_since ?? null,
          reason: message.reason ?? null,
        });
      } else if (message.type === 'error') {
        refused = true;
        if (SESSION_OVER.has(message.code)) {
          this.stopped = true;
          this.options.onExpired();
        } else {
          this.options.onError(message.message);
        }
      }
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.disarm();
      if (this.stopped) return;
      this.setStatus(this.attempts > 5 ? 'offline' : 'reconnecting');
      const backoff = reconnectDelay(this.attempts, refused);
      this.attempts += 1;
      const wait = Math.max(backoff, this.holdUntil - Date.now());
      this.timer = setTimeout(() => void this.connect(), wait);
    };
  }
}

/**
 * How long to wait before connecting again after `attempts` failed ones: doubling
 * from 250 ms to at most 5 s (2 s after a refusal), each a random time between half
 * of that and all of it, so that the dashboards of a control room whose server went
 * do not all come back at the same instant to the one that survives.
 */
export function reconnectDelay(attempts: number, refused: boolean, random: () => number = Math.random): number {
  const ceiling = refused ? 2_000 : Math.min(5_000, 250 * 2 ** Math.min(attempts, 16));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
