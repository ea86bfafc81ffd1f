// The shell over the real core compiled to WebAssembly (web-chair/core/pkg, built by
// `make wasm-core`), with storage in memory and a transport that records.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Shell, type Connection, type ShellError, type Transport } from '../src/core/shell';
import { IndexedDbStore, MemoryStore, type KeyValueStore } from '../src/core/storage';
import type { ViewModel } from '../src/generated/types/shared_types';

const WASM = resolve(import.meta.dirname, '..', 'core', 'pkg', 'chair_core.wasm');
const module = new WebAssembly.Module(readFileSync(WASM));

const noNetwork: Transport = (_url, listener) => {
  setTimeout(() => listener.failed('offline'), 0);
  return { send() {}, close() {} } satisfies Connection;
};

function shell(store: KeyValueStore, transport: Transport = noNetwork) {
  const s = new Shell(module, {
    store,
    transport,
    now: () => Date.now(),
    random: (into) => webcrypto.getRandomValues(into),
  });
  const errors: ShellError[] = [];
  s.onError((e) => errors.push(e));
  return { s, errors };
}

async function until(s: Shell, test: (v: ViewModel) => boolean): Promise<ViewModel> {
  for (let i = 0; i < 200; i++) {
    if (s.view !== null && test(s.view)) return s.view;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`view never matched; last: ${JSON.stringify(s.view, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
}

describe('the shell over the wasm core', () => {
  it('starts on the activation screen in Dutch once storage has answered', async () => {
    const { s, errors } = shell(new MemoryStore());
    await s.start();
    const view = await until(s, (v) => !v.loading);
    expect(view.page.kind).toBe('Activation');
    expect(view.language.kind).toBe('Dutch');
    expect(errors).toEqual([]);
    s.stop();
  });

  it('keeps the chosen language in IndexedDB across a restart', async () => {
    const store = await IndexedDbStore.open(`test-${Math.random()}`);
    const first = shell(store);
    await first.s.start();
    await until(first.s, (v) => !v.loading);
    first.s.send({ kind: 'SetLanguage', value: { kind: 'English' } });
    await until(first.s, (v) => v.language.kind === 'English');
    // Written before the next start reads it: IndexedDB answers writes in order.
    await new Promise((r) => setTimeout(r, 50));
    first.s.stop();
    expect(await store.keys()).toContain('day');

    const second = shell(store);
    await second.s.start();
    const view = await until(second.s, (v) => !v.loading);
    expect(view.language.kind).toBe('English');
    second.s.stop();
  });

  it('reports bytes that are no event as refused, and the core goes on', async () => {
    const { s, errors } = shell(new MemoryStore());
    await s.start();
    await until(s, (v) => !v.loading);
    s.sendBytes(new Uint8Array([0xff, 0xff, 0xff, 0xff, 9]));
    expect(errors.map((e) => e.kind)).toEqual(['refused']);
    s.send({ kind: 'SetLanguage', value: { kind: 'English' } });
    await until(s, (v) => v.language.kind === 'English');
    expect(s.starts).toBe(1);
    s.stop();
  });

  it('asks for a connection on activation and tells the chair when it fails', async () => {
    const urls: string[] = [];
    const transport: Transport = (url, listener) => {
      urls.push(url);
      setTimeout(() => listener.failed('no route to host'), 0);
      return { send() {}, close() {} };
    };
    const { s } = shell(new MemoryStore(), transport);
    await s.start();
    await until(s, (v) => !v.loading);
    s.send({ kind: 'Activate', server_url: 'ws://127.0.0.1:9/ws/station', activation_code: 'ABCD-1234' });
    await until(s, (v) => v.notice !== null || (v.page.kind === 'Activation' && !v.page.value.in_progress && urls.length > 0));
    expect(urls[0]).toContain('ws://127.0.0.1:9/ws/station');
    s.stop();
  });
});
