// Proof that the chair's core runs as WebAssembly: loads chair_core.wasm (built by
// scripts/wasm-core.sh) in Node, plays a minimal shell (an in-memory key-value store,
// the clock; timers recorded, never fired) and checks what the core answers:
//   1. before Start the view says "loading"; Start reads storage, and once storage
//      answers "nothing stored" the view is the activation screen, in Dutch;
//   2. SetLanguage(English) changes the view and is written to storage;
//   3. a new instance over the same storage restores English on Start;
//   4. bytes that are no event, and an answer to no request, are refused with a
//      status and a message, and the core still answers afterwards.
// Exits non-zero, saying why, when any of it fails.
//
// Bytes are crux's bincode (fixed-width little-endian integers, enum variants as u32,
// lengths as u64), written and read here by hand for the few types the proof needs;
// the web shell will use types generated from the core instead.
//
//   node scripts/wasm-core-smoke.mjs path/to/chair_core.wasm

import { readFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';
import { performance } from 'node:perf_hooks';

const ABI_VERSION = 1;
const STATUS = ['ok', 'invalid input', 'internal error'];
// shared::Effect's variants, in order.
const EFFECT = ['Render', 'KeyValue', 'Time', 'WebSocket'];

function fail(message) {
  console.error(`wasm-core-smoke: FAILED: ${message}`);
  process.exit(1);
}

function check(condition, message) {
  if (!condition) fail(message);
}

class Writer {
  constructor() {
    this.bytes = [];
  }
  u8(v) {
    this.bytes.push(v & 0xff);
    return this;
  }
  u32(v) {
    for (let i = 0; i < 4; i++) this.u8(v >>> (8 * i));
    return this;
  }
  u64(v) {
    let big = BigInt(v);
    for (let i = 0; i < 8; i++) {
      this.u8(Number(big & 0xffn));
      big >>= 8n;
    }
    return this;
  }
  bool(v) {
    return this.u8(v ? 1 : 0);
  }
  bytesField(b) {
    this.u64(b.length);
    for (const x of b) this.u8(x);
    return this;
  }
  string(s) {
    return this.bytesField(new TextEncoder().encode(s));
  }
  done() {
    return Uint8Array.from(this.bytes);
  }
}

class Reader {
  constructor(bytes) {
    this.bytes = bytes;
    this.at = 0;
  }
  take(n) {
    check(this.at + n <= this.bytes.length, `bincode ends early at byte ${this.at} of ${this.bytes.length}`);
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  u8() {
    return this.take(1)[0];
  }
  u32() {
    const b = this.take(4);
    return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
  }
  u64() {
    const b = this.take(8);
    let v = 0n;
    for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    check(v <= BigInt(Number.MAX_SAFE_INTEGER), `u64 out of range: ${v}`);
    return Number(v);
  }
  bool() {
    const v = this.u8();
    check(v <= 1, `not a bool: ${v}`);
    return v === 1;
  }
  bytesField() {
    return Uint8Array.from(this.take(this.u64()));
  }
  string() {
    return new TextDecoder('utf-8', { fatal: true }).decode(this.bytesField());
  }
}

// One wasm instance: one core.
class WasmCore {
  static async load(module) {
    const core = new WasmCore();
    core.randomBytes = 0;
    const imports = {
      kiesdag: {
        random_fill: (ptr, len) => {
          webcrypto.getRandomValues(new Uint8Array(core.exports.memory.buffer, ptr, len));
          core.randomBytes += len;
        },
      },
    };
    const instance = await WebAssembly.instantiate(module, imports);
    core.exports = instance.exports;
    check(
      core.exports.kiesdag_abi_version() === ABI_VERSION,
      `ABI version ${core.exports.kiesdag_abi_version()}, expected ${ABI_VERSION}`,
    );
    return core;
  }

  input(bytes) {
    const ptr = this.exports.kiesdag_alloc(bytes.length);
    new Uint8Array(this.exports.memory.buffer, ptr, bytes.length).set(bytes);
    return [ptr, bytes.length];
  }

  result() {
    const ptr = this.exports.kiesdag_result_ptr();
    const len = this.exports.kiesdag_result_len();
    return Uint8Array.from(new Uint8Array(this.exports.memory.buffer, ptr, len));
  }

  // [status, bytes]: the result on status 0, else the error's text.
  call(name, ...args) {
    let status;
    try {
      status = this.exports[name](...args);
    } catch (trap) {
      fail(`${name} trapped (${trap.message}): ${new TextDecoder().decode(this.result())}`);
    }
    const bytes = this.result();
    return status === 0 ? [0, bytes] : [status, new TextDecoder().decode(bytes)];
  }

  update(event) {
    return this.call('kiesdag_update', ...this.input(event));
  }

  resolve(id, output) {
    return this.call('kiesdag_resolve', id, ...this.input(output));
  }

  view() {
    const [status, bytes] = this.call('kiesdag_view');
    check(status === 0, `view: ${STATUS[status]}: ${bytes}`);
    // shared::ViewModel's first fields: screen, language, loading, busy.
    const r = new Reader(bytes);
    return { screen: r.u32(), language: r.u32(), loading: r.bool(), busy: r.bool(), size: bytes.length };
  }
}

// Vec<Request<EffectFfi>>.
function readRequests(bytes) {
  const r = new Reader(bytes);
  const requests = [];
  for (let n = r.u64(); n > 0; n--) {
    const id = r.u32();
    const tag = r.u32();
    const effect = EFFECT[tag];
    check(effect !== undefined, `unknown effect variant ${tag}`);
    const request = { id, effect };
    if (effect === 'KeyValue') {
      const op = r.u32();
      if (op === 0) Object.assign(request, { op: 'Get', key: r.string() });
      else if (op === 1) Object.assign(request, { op: 'Set', key: r.string(), value: r.bytesField() });
      else if (op === 2) Object.assign(request, { op: 'Delete', key: r.string() });
      else if (op === 3) Object.assign(request, { op: 'Exists', key: r.string() });
      else if (op === 4) Object.assign(request, { op: 'ListKeys', prefix: r.string(), cursor: r.u64() });
      else fail(`unknown key-value operation ${op}`);
    } else if (effect === 'Time') {
      const op = r.u32();
      if (op === 0) request.op = 'Now';
      else if (op === 1) Object.assign(request, { op: 'NotifyAt', timer: r.u64(), seconds: r.u64(), nanos: r.u32() });
      else if (op === 2) Object.assign(request, { op: 'NotifyAfter', timer: r.u64(), nanos: r.u64() });
      else if (op === 3) Object.assign(request, { op: 'Clear', timer: r.u64() });
      else fail(`unknown time request ${op}`);
    } else if (effect === 'WebSocket') {
      const op = r.u32();
      if (op === 0) Object.assign(request, { op: 'Connect', url: r.string() });
      else if (op === 1) Object.assign(request, { op: 'Send', text: r.string() });
      else if (op === 2) request.op = 'Close';
      else fail(`unknown WebSocket operation ${op}`);
    }
    requests.push(request);
  }
  check(r.at === bytes.length, `${bytes.length - r.at} bytes left after the requests`);
  return requests;
}

// crux_kv's KeyValueResult::Ok { response } for each operation; Value::None is
// variant 0, Value::Bytes(bytes) variant 1.
function value(w, stored) {
  return stored === undefined ? w.u32(0) : w.u32(1).bytesField(stored);
}

function keyValueOutput(store, request) {
  const w = new Writer().u32(0);
  switch (request.op) {
    case 'Get':
      return value(w.u32(0), store.get(request.key)).done();
    case 'Set': {
      const previous = store.get(request.key);
      store.set(request.key, request.value);
      return value(w.u32(1), previous).done();
    }
    case 'Delete': {
      const previous = store.get(request.key);
      store.delete(request.key);
      return value(w.u32(2), previous).done();
    }
    case 'Exists':
      return w.u32(3).bool(store.has(request.key)).done();
    case 'ListKeys': {
      const keys = [...store.keys()].filter((k) => k.startsWith(request.prefix)).sort();
      w.u32(4).u64(keys.length);
      for (const k of keys) w.string(k);
      return w.u64(0).done();
    }
    default:
      return fail(`no answer for ${request.op}`);
  }
}

// Performs effects until the core asks for nothing more that this shell answers.
function settle(core, shell, first) {
  const queue = [...readRequests(first)];
  for (let steps = 0; queue.length > 0; steps++) {
    check(steps < 1000, 'the core keeps asking: more than 1000 effects');
    const request = queue.shift();
    shell.seen.push(request.op ? `${request.effect}.${request.op}` : request.effect);
    let output = null;
    if (request.effect === 'Render') {
      shell.renders++;
    } else if (request.effect === 'KeyValue') {
      output = keyValueOutput(shell.store, request);
    } else if (request.effect === 'Time' && request.op === 'Now') {
      const ms = Date.now();
      output = new Writer().u32(0).u64(Math.floor(ms / 1000)).u32((ms % 1000) * 1e6).done();
    } else if (request.effect === 'Time' && request.op === 'Clear') {
      output = new Writer().u32(3).u64(request.timer).done();
    } else if (request.effect === 'Time') {
      shell.timers.push(request); // never fired in this proof
    } else {
      fail(`unexpected effect before activation: ${JSON.stringify(request)}`);
    }
    if (output !== null) {
      const [status, bytes] = core.resolve(request.id, output);
      check(status === 0, `resolving ${request.effect}.${request.op}: ${STATUS[status]}: ${bytes}`);
      queue.push(...readRequests(bytes));
    }
  }
}

function send(core, shell, event, name) {
  const [status, bytes] = core.update(event);
  check(status === 0, `${name}: ${STATUS[status]}: ${bytes}`);
  settle(core, shell, bytes);
}

const START = new Writer().u32(0).done(); // Event::Start
const SET_ENGLISH = new Writer().u32(1).u32(1).done(); // Event::SetLanguage(Language::English)
const SCREEN_ACTIVATION = 0;
const DUTCH = 0;
const ENGLISH = 1;

const path = process.argv[2];
check(path, 'usage: node scripts/wasm-core-smoke.mjs path/to/chair_core.wasm');
const t0 = performance.now();
const module = await WebAssembly.compile(readFileSync(path));
const t1 = performance.now();
const shell = { store: new Map(), renders: 0, timers: [], seen: [] };

// 1. Start on empty storage.
let core = await WasmCore.load(module);
const t2 = performance.now();
let view = core.view();
check(view.loading, 'before Start the view should say loading');
send(core, shell, START, 'Start');
const t3 = performance.now();
check(shell.seen.includes('KeyValue.Get'), `Start read no storage: ${shell.seen.join(', ')}`);
check(shell.renders > 0, 'Start asked for no render');
view = core.view();
check(!view.loading, 'still loading after storage answered');
check(view.screen === SCREEN_ACTIVATION, `screen ${view.screen}, expected the activation screen`);
check(view.language === DUTCH, `language ${view.language}, expected Dutch`);
console.log(
  `wasm-core-smoke: Start: ${shell.seen.length} effects (${[...new Set(shell.seen)].join(', ')}); ` +
    `view ${view.size} bytes: activation screen, Dutch; ${core.randomBytes} random bytes drawn`,
);

// 2. An event that changes the view and is stored.
const writesBefore = shell.seen.filter((s) => s === 'KeyValue.Set').length;
send(core, shell, SET_ENGLISH, 'SetLanguage');
view = core.view();
check(view.language === ENGLISH, `language ${view.language} after SetLanguage(English)`);
check(shell.seen.filter((s) => s === 'KeyValue.Set').length > writesBefore, 'SetLanguage stored nothing');
console.log(`wasm-core-smoke: SetLanguage(English): view in English, stored (keys: ${[...shell.store.keys()].join(', ')})`);

// 3. A new instance (a reload) over the same storage.
core = await WasmCore.load(module);
shell.seen = [];
send(core, shell, START, 'Start after reload');
view = core.view();
check(!view.loading && view.language === ENGLISH, `after reload: ${JSON.stringify(view)}, expected English restored`);
console.log('wasm-core-smoke: a new instance restores English from storage');

// 4. Refusals, not traps.
let [status, message] = core.update(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 9]));
check(status === 1 && message.length > 0, `garbage event: status ${status} (${message})`);
[status, message] = core.resolve(4_000_000, Uint8Array.from([1, 2, 3]));
check(status === 1 && message.length > 0, `answer to no request: status ${status} (${message})`);
check(!core.view().loading, 'the core does not answer after a refusal');
console.log(`wasm-core-smoke: garbage refused (${message.split('\n')[0]})`);

console.log(
  `wasm-core-smoke: compile ${(t1 - t0).toFixed(1)} ms, instantiate ${(t2 - t1).toFixed(1)} ms, ` +
    `Start to first view ${(t3 - t2).toFixed(1)} ms`,
);
console.log('wasm-core-smoke: 4 passed, 0 failed');
