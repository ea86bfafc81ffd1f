// The shell's side of the shared core, as the Android app's Core.kt and the Rust
// shell in tests/src/shell.rs: sends events, performs every effect the core asks for
// (render, key-value storage, time, WebSocket) and hands each view model to the page.
// Which screen shows is the core's decision, never the shell's.
import { BincodeDeserializer, BincodeSerializer } from '../generated/types/bincode';
import {
  Instant,
  Requests,
  ViewModel,
  serializeEvent,
  serializeKeyValueResult,
  serializeTimeResponse,
  serializeWebSocketEvent,
  type Event,
  type Request,
  type TimeRequest,
  type TimeResponse,
  type WebSocketEvent,
  type WebSocketOperation,
} from '../generated/types/shared_types';
import type { Serializer } from '../generated/types/serde';
import type { KeyValueStore } from './storage';
import { CoreRefused, WasmCore } from './wasm';

/** What went wrong between the shell and the core; the app goes on. */
export type ShellError =
  | { kind: 'refused'; message: string }
  | { kind: 'fault'; message: string }
  | { kind: 'unreadable'; message: string }
  /** The core failed again and again and is not restarted: the app cannot go on. */
  | { kind: 'gave_up'; message: string };

/** Restarts after a fault allowed in a minute before the shell gives up. */
const MAX_RESTARTS = 3;
/** Taps kept while the core restarts. */
const MAX_WAITING = 100;

/** One open (or opening) WebSocket, as the shell sees it. */
export interface Connection {
  send(text: string): void;
  close(): void;
}

export interface ConnectionListener {
  opened(): void;
  text(text: string): void;
  /** The last event of a connection: the peer closed it. */
  closed(code: number, reason: string): void;
  /** The last event of a connection: it could not be made, or broke. */
  failed(message: string): void;
}

export type Transport = (url: string, listener: ConnectionListener) => Connection;

export interface Platform {
  store: KeyValueStore;
  transport: Transport;
  /** Milliseconds since the Unix epoch. */
  now(): number;
  random(into: Uint8Array): void;
}

function encode(write: (s: Serializer) => void): Uint8Array {
  const serializer = new BincodeSerializer();
  write(serializer);
  return serializer.getBytes();
}

/** The browser's WebSocket. */
export const browserTransport: Transport = (url, listener) => {
  let socket: WebSocket;
  try {
    socket = new WebSocket(url);
  } catch (error) {
    queueMicrotask(() => listener.failed(String(error)));
    return { send() {}, close() {} };
  }
  let done = false;
  socket.onopen = () => listener.opened();
  socket.onmessage = (message) => {
    if (typeof message.data === 'string') listener.text(message.data);
  };
  socket.onerror = () => {
    if (!done) {
      done = true;
      listener.failed('connection failed');
    }
  };
  socket.onclose = (close) => {
    if (!done) {
      done = true;
      listener.closed(close.code, close.reason);
    }
  };
  return {
    send(text) {
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
    },
    close() {
      done = true;
      try {
        socket.close(1000);
      } catch {
        // Already closing.
      }
    },
  };
};

export class Shell {
  private core: WasmCore | null = null;
  private connection = 0;
  private socket: Connection | null = null;
  private socketRequest: number | null = null;
  private readonly timers = new Map<bigint, ReturnType<typeof setTimeout>>();
  private viewListeners = new Set<(view: ViewModel) => void>();
  private errorListeners = new Set<(error: ShellError) => void>();
  /** The last view model rendered. */
  view: ViewModel | null = null;
  /** Core instances started, including the first (more after a fault). */
  starts = 0;
  /** When recent restarts after a fault happened, to stop a core that keeps failing. */
  private restarts: number[] = [];
  /** Events sent while no core runs (during a restart), sent to the next one in order. */
  private waiting: Uint8Array[] = [];
  /** Set when the core kept failing and the shell gave up: the chair must be told. */
  gaveUp = false;

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly platform: Platform,
  ) {}

  onView(listener: (view: ViewModel) => void): () => void {
    this.viewListeners.add(listener);
    return () => this.viewListeners.delete(listener);
  }

  onError(listener: (error: ShellError) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** Starts a core; it reads what it stored. */
  async start(): Promise<void> {
    const core = await WasmCore.start(this.module, this.platform.random);
    this.core = core;
    this.starts += 1;
    this.send({ kind: 'Start' });
    // What the chair tapped while the core restarted, in order.
    const waiting = this.waiting;
    this.waiting = [];
    for (const bytes of waiting) if (this.core === core) this.sendBytes(bytes);
  }

  /** Sends an event (a tap, a life-cycle change) to the core. */
  send(event: Event): void {
    let bytes: Uint8Array;
    try {
      bytes = encode((s) => serializeEvent(event, s));
    } catch (error) {
      this.report({ kind: 'unreadable', message: `event ${event.kind}: ${String(error)}` });
      return;
    }
    this.sendBytes(bytes);
  }

  /** Sends raw bytes as an event: the core refuses what is not an event. */
  sendBytes(bytes: Uint8Array): void {
    const core = this.core;
    if (core === null) {
      // Restarting after a fault: kept for the new core, unless the shell gave up.
      if (!this.gaveUp && this.waiting.length < MAX_WAITING) this.waiting.push(bytes);
      return;
    }
    this.perform(core, this.call(core, () => core.update(bytes)));
  }

  /** Ends the shell: closes the socket and stops the timers. */
  stop(): void {
    this.socket?.close();
    this.socket = null;
    this.socketRequest = null;
    this.connection += 1;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.core = null;
  }

  private report(error: ShellError): void {
    for (const listener of this.errorListeners) listener(error);
  }

  private call(core: WasmCore, body: () => Uint8Array): Uint8Array | null {
    try {
      return body();
    } catch (error) {
      if (error instanceof CoreRefused) {
        this.report({ kind: 'refused', message: error.message });
      } else {
        this.report({ kind: 'fault', message: error instanceof Error ? error.message : String(error) });
        if (core.fault !== null) this.restart(core);
      }
      return null;
    }
  }

  /**
   * A trapped core is thrown away; a new one restores the day from storage. A core
   * that fails again and again (MAX_RESTARTS in a minute: stored data it cannot
   * restore) is not restarted any more: the chair is told to call the control room.
   */
  private restart(failed: WasmCore): void {
    if (this.core !== failed) return;
    this.stop();
    const now = this.platform.now();
    this.restarts = [...this.restarts.filter((at) => now - at < 60_000), now];
    if (this.restarts.length > MAX_RESTARTS) {
      this.gaveUp = true;
      this.waiting = [];
      this.report({ kind: 'gave_up', message: failed.fault ?? 'the core keeps failing' });
      return;
    }
    void this.start().catch((error) => this.report({ kind: 'fault', message: String(error) }));
  }

  private resolve(core: WasmCore, id: number, output: Uint8Array): void {
    if (this.core !== core) return; // From a core that is gone.
    this.perform(core, this.call(core, () => core.resolve(id, output)));
  }

  /** Performs the requests in `bytes`, and those they lead to, in order. */
  private perform(core: WasmCore, bytes: Uint8Array | null): void {
    if (bytes === null) return;
    let requests: Request[];
    try {
      requests = Requests.deserialize(new BincodeDeserializer(bytes)).value;
    } catch (error) {
      this.report({ kind: 'unreadable', message: `requests: ${String(error)}` });
      return;
    }
    for (const request of requests) {
      // A core that failed meanwhile: its remaining requests are not performed.
      if (this.core !== core) return;
      const effect = request.effect;
      switch (effect.kind) {
        case 'Render':
          this.render(core);
          break;
        case 'KeyValue':
          void this.platform.store.perform(effect.value).then((result) =>
            this.resolve(core, request.id, encode((s) => serializeKeyValueResult(result, s))),
          );
          break;
        case 'Time':
          this.time(core, request.id, effect.value);
          break;
        case 'WebSocket':
          this.webSocket(core, request.id, effect.value);
          break;
      }
    }
  }

  private render(core: WasmCore): void {
    const bytes = this.call(core, () => core.view());
    if (bytes === null) return;
    let view: ViewModel;
    try {
      view = ViewModel.deserialize(new BincodeDeserializer(bytes));
    } catch (error) {
      this.report({ kind: 'unreadable', message: `view model: ${String(error)}` });
      return;
    }
    this.view = view;
    for (const listener of this.viewListeners) listener(view);
  }

  private answerTime(core: WasmCore, id: number, response: TimeResponse): void {
    this.resolve(core, id, encode((s) => serializeTimeResponse(response, s)));
  }

  private time(core: WasmCore, id: number, request: TimeRequest): void {
    switch (request.kind) {
      case 'Now': {
        const millis = this.platform.now();
        const instant = new Instant(BigInt(Math.floor(millis / 1000)), Math.floor(millis % 1000) * 1_000_000);
        this.answerTime(core, id, { kind: 'Now', instant });
        break;
      }
      case 'NotifyAfter': {
        const millis = Number(request.duration.nanos / 1_000_000n);
        this.later(core, id, request.id.value, millis, { kind: 'DurationElapsed', id: request.id });
        break;
      }
      case 'NotifyAt': {
        const at = Number(request.instant.seconds) * 1000 + Math.floor(request.instant.nanos / 1_000_000);
        this.later(core, id, request.id.value, Math.max(0, at - this.platform.now()), {
          kind: 'InstantArrived',
          id: request.id,
        });
        break;
      }
      case 'Clear': {
        const timer = this.timers.get(request.id.value);
        if (timer !== undefined) clearTimeout(timer);
        this.timers.delete(request.id.value);
        this.answerTime(core, id, { kind: 'Cleared', id: request.id });
        break;
      }
    }
  }

  private later(core: WasmCore, id: number, timer: bigint, millis: number, response: TimeResponse): void {
    // setTimeout holds at most 2^31-1 ms (24.8 days); a later instant never comes today.
    const delay = Math.min(Math.max(0, millis), 2_147_483_647);
    this.timers.set(
      timer,
      setTimeout(() => {
        if (this.timers.delete(timer)) this.answerTime(core, id, response);
      }, delay),
    );
  }

  private webSocket(core: WasmCore, id: number, operation: WebSocketOperation): void {
    switch (operation.kind) {
      case 'Connect': {
        // The shell closes any connection it already has.
        this.socket?.close();
        this.connection += 1;
        const mine = this.connection;
        this.socketRequest = id;
        const event = (e: WebSocketEvent) => this.socketEvent(core, mine, e);
        this.socket = this.platform.transport(operation.url, {
          opened: () => event({ kind: 'Opened' }),
          text: (text) => event({ kind: 'Text', text }),
          closed: (code, reason) => event({ kind: 'Closed', code, reason }),
          failed: (message) => event({ kind: 'Failed', message }),
        });
        break;
      }
      case 'Send':
        this.socket?.send(operation.text);
        break;
      case 'Close':
        this.socket?.close();
        this.socket = null;
        this.socketRequest = null;
        this.connection += 1;
        break;
    }
  }

  /** An event of connection `from`; those of an older connection are dropped. */
  private socketEvent(core: WasmCore, from: number, event: WebSocketEvent): void {
    const request = this.socketRequest;
    if (from !== this.connection || request === null) return;
    if (event.kind === 'Closed' || event.kind === 'Failed') {
      this.socket = null;
      this.socketRequest = null;
    }
    this.resolve(core, request, encode((s) => serializeWebSocketEvent(event, s)));
  }
}
