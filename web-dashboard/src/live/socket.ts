// The dashboard WebSocket: subscribe, snapshot, changes; on a drop, reconnect with
// backoff and resume from the last applied sequence number, so nothing is missed and
// nothing applies twice. The connection state is published for the header.
import type { DashboardMessage } from '../api/types';
import { applyChanges, fromSnapshot, type LiveState } from './state';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface LiveOptions {
  url: string;
  municipality: string;
  token: () => Promise<string | null>;
  onState: (state: LiveState) => void;
  onStatus: (status: ConnectionStatus) => void;
  /** The token was refused: the session is over. */
  onExpired: () => void;
  onError: (message: string) => void;
}

export class LiveConnection {
  state: LiveState | null = null;
  status: ConnectionStatus = 'connecting';
  /** When the last frame arrived (performance.now()), for render timings. */
  lastFrameAt = 0;
  private socket: WebSocket | null = null;
  private attempts = 0;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private holdUntil = 0;

  constructor(private options: LiveOptions) {}

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
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
      this.lastFrameAt = performance.now();
      let message: DashboardMessage;
      try {
        message = JSON.parse(String(event.data)) as DashboardMessage;
      } catch {
        return;
      }
      if (message.type === 'snapshot') {
        this.state = fromSnapshot(message.election_id, message.seq, message.stations);
        this.attempts = 0;
        this.setStatus('live');
        this.options.onState(this.state);
      } else if (message.type === 'changes') {
        if (this.state) {
          applyChanges(this.state, message.changes);
          this.options.onState(this.state);
        }
        this.attempts = 0;
        if (this.status !== 'live') this.setStatus('live');
      } else if (message.type === 'error') {
        refused = true;
        if (message.code === 'invalid_token' || message.code === 'forbidden') {
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
      if (this.stopped) return;
      this.setStatus(this.attempts > 5 ? 'offline' : 'reconnecting');
      const backoff = refused ? 2_000 : Math.min(5_000, 250 * 2 ** this.attempts);
      this.attempts += 1;
      const wait = Math.max(backoff, this.holdUntil - Date.now());
      this.timer = setTimeout(() => void this.connect(), wait);
    };
  }
}
