import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chooseMunicipality, loadSession, login, municipalityCode } from '../src/api/client';

function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (k) => items.get(k) ?? null,
    key: (i) => [...items.keys()][i] ?? null,
    removeItem: (k) => void items.delete(k),
    setItem: (k, v) => void items.set(k, String(v)),
  };
}

function tokens(municipality: string | null) {
  return new Response(JSON.stringify({ access_token: 'a', refresh_token: 'r', expires_in: 900, role: 'administrator', municipality }), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
}

describe('the session assumes no municipality', () => {
  beforeEach(() => vi.stubGlobal('sessionStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('keeps the municipality the token is bound to', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => tokens('GM0363')));
    const session = await login('beheer', 'geheim');
    expect(session.municipality).toBe('GM0363');
    expect(session.chosen).toBe(false);
  });

  it('leaves an unbound administrator without one until they choose, and only then', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => tokens(null)));
    const session = await login('beheer', 'geheim');
    expect(session.municipality).toBeNull();
    expect(loadSession()?.municipality).toBeNull();
    chooseMunicipality('GM0363');
    expect(loadSession()?.municipality).toBe('GM0363');
    chooseMunicipality(null);
    expect(loadSession()?.municipality).toBeNull();
  });

  it('never lets a bound user switch municipality', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => tokens('GM0599')));
    await login('coordinator', 'geheim');
    chooseMunicipality('GM0363');
    expect(loadSession()?.municipality).toBe('GM0599');
  });

  it('reads a typed code, and refuses what cannot be one', () => {
    expect(municipalityCode(' gm0363 ')).toBe('GM0363');
    expect(municipalityCode('')).toBeNull();
    expect(municipalityCode('GM 0363')).toBeNull();
    expect(municipalityCode('../api')).toBeNull();
  });
});
