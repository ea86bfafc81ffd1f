// REST calls with the session's bearer token: refreshed once on 401; when that fails
// the session has expired and the app returns to login (drafts stay in storage).
import { localizeCsv } from '../csv';
import { formatLanguage } from '../format';
import type { Lang } from '../i18n';
import type { ErrorBody, Role, TokenResponse } from './types';

// The server writes an error's `message` in the language asked for; the dashboard asks
// for its own (set by the language switch), not the browser's.
let language: Lang = 'nl';
export function setApiLanguage(lang: Lang): void {
  language = lang;
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  role: Role;
  /**
   * The municipality the pages show: the one the token is bound to, or, for an
   * administrator bound to none, the one they chose (null until they have). Never a
   * default: nothing may assume a municipality.
   */
  municipality: string | null;
  /** Whether the user chose the municipality (and so may choose another). */
  chosen?: boolean;
  username: string;
}

const KEY = 'kiesdag.session';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
  listeners.forEach((l) => l(session));
}

type Listener = (s: Session | null) => void;
const listeners = new Set<Listener>();
export function onSession(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Signals that the session is gone; the app shows login and keeps the route. */
export class SessionExpired extends ApiError {
  constructor() {
    super(401, 'expired', 'session expired');
  }
}

async function errorOf(response: Response): Promise<ApiError> {
  let body: Partial<ErrorBody> = {};
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    // Not JSON: a proxy's page, say.
  }
  return new ApiError(response.status, body.code ?? 'http_' + response.status, body.message ?? response.statusText);
}

export async function login(username: string, password: string): Promise<Session> {
  const response = await fetch('/api/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': language },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw await errorOf(response);
  const tokens = (await response.json()) as TokenResponse;
  const session: Session = {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    role: tokens.role,
    municipality: tokens.municipality ?? null,
    chosen: tokens.municipality == null,
    username,
  };
  saveSession(session);
  return session;
}

/** A municipality code as typed (" gm0599 " is GM0599), or null when it cannot be one. */
export function municipalityCode(typed: string): string | null {
  const code = typed.trim().toUpperCase();
  return /^[A-Z0-9][A-Z0-9-]{1,15}$/.test(code) ? code : null;
}

/** An unbound administrator's choice of municipality (null to choose again). */
export function chooseMunicipality(code: string | null): void {
  const session = loadSession();
  if (session?.chosen) saveSession({ ...session, municipality: code });
}

let refreshing: Promise<Session | null> | null = null;

/** New tokens for the session, once even when many calls ask at the same time. */
export function refresh(): Promise<Session | null> {
  const session = loadSession();
  if (!session) return Promise.resolve(null);
  refreshing ??= (async () => {
    try {
      const response = await fetch('/api/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-language': language },
        body: JSON.stringify({ refresh_token: session.refreshToken }),
      });
      if (!response.ok) {
        expire();
        return null;
      }
      const tokens = (await response.json()) as TokenResponse;
      const next = { ...session, accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
      saveSession(next);
      return next;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export function expire(): void {
  sessionStorage.setItem('kiesdag.expired', '1');
  saveSession(null);
}

/** A call with the session's token; JSON in and out unless `raw`. */
export async function call(path: string, init: RequestInit = {}, retry = true): Promise<Response> {
  const session = loadSession();
  const headers = new Headers(init.headers);
  if (session) headers.set('authorization', `Bearer ${session.accessToken}`);
  if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
  if (!headers.has('accept-language')) headers.set('accept-language', language);
  const response = await fetch(path, { ...init, headers });
  if (response.status === 401 && session) {
    if (retry && (await refresh())) return call(path, init, false);
    expire();
    throw new SessionExpired();
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await call(path)).json()) as T;
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return (await (await call(path, { method: 'POST', body: JSON.stringify(body) })).json()) as T;
}

/** A public call: no token. */
export async function getPublic<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { 'accept-language': language } });
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as T;
}

/** A public POST: no token (the body carries what gives access, e.g. a personal code). */
export async function postPublic<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'accept-language': language, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as T;
}

/** Offers a blob as a file to save. */
export function save(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Downloads one of the server's CSV exports, written for the UI language (src/csv.ts). */
export async function downloadCsv(path: string, filename: string): Promise<void> {
  const text = await (await call(path)).text();
  save(new Blob([localizeCsv(text, formatLanguage())], { type: 'text/csv;charset=utf-8' }), filename);
}
