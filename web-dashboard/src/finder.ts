// The public finder's logic, apart from its page: searching by place, district,
// postcode or street; the distance to the visitor; the order (nearest first, or the
// shortest queue first where any station will do); and how a queue reads.
import type { components } from './api/schema';
import type { Key } from './i18n';

type S = components['schemas'];
export type Finder = S['Finder'];
export type FinderStation = S['FinderStation'];
export type QueueLength = S['QueueLength'];
export type Accessibility = S['Accessibility'];

export interface Origin {
  latitude: number;
  longitude: number;
}

/** Great-circle distance in kilometres (haversine; the Earth as a sphere of 6,371 km). */
export function distanceKm(a: Origin, b: Origin): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The station's distance from `origin`, or null without coordinates (its own or any stop's). */
export function stationDistance(s: FinderStation, origin: Origin): number | null {
  let best: number | null = null;
  for (const l of [s.location, ...s.extra_stops]) {
    if (l.latitude == null || l.longitude == null) continue;
    const d = distanceKm(origin, { latitude: l.latitude, longitude: l.longitude });
    if (best === null || d < best) best = d;
  }
  return best;
}

function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, '');
}

/** Whether the station matches what the visitor typed: its number, name, street, postcode
 * (with or without the space, or just its four digits), place or district, at any of its stops. */
export function matches(s: FinderStation, typed: string): boolean {
  const q = fold(typed);
  if (!q) return true;
  if (/^\d+$/.test(q) && String(s.number) === q) return true;
  const fields = [s.name, s.district ?? ''];
  for (const l of [s.location, ...s.extra_stops]) fields.push(l.name, l.address, l.postcode, l.city);
  return fields.some((f) => fold(f).includes(q));
}

/** A queue's rank, shortest first: none, short, minutes, long; unknown last. */
export function queueRank(length: QueueLength | null | undefined): number {
  if (length == null) return 10_000;
  if (length === 'none') return 0;
  if (length === 'short') return 10;
  if (length === 'long') return 5_000;
  return 20 + length.minutes;
}

export type Order = 'number' | 'distance' | 'queue';

/** The stations in the visitor's order. Closed and unopened stations go after the open
 * ones when ordering by queue (an outdated queue counts as unknown); distance breaks ties. */
export function ordered(stations: FinderStation[], order: Order, origin: Origin | null): FinderStation[] {
  const distance = (s: FinderStation) => (origin ? stationDistance(s, origin) ?? Infinity : 0);
  const queue = (s: FinderStation) => (s.status !== 'open' ? 20_000 : s.queue && !s.queue.outdated ? queueRank(s.queue.length) : 10_000);
  const key = (s: FinderStation): number[] =>
    order === 'distance' ? [distance(s), s.number] : order === 'queue' ? [queue(s), distance(s), s.number] : [s.number];
  return [...stations].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i += 1) if (ka[i] !== kb[i]) return ka[i] - kb[i];
    return 0;
  });
}

/** The words for a queue: a key and its variables. */
export function queueWords(length: QueueLength): { key: Key; vars?: Record<string, number> } {
  if (length === 'none') return { key: 'queue_none' };
  if (length === 'short') return { key: 'queue_short' };
  if (length === 'long') return { key: 'queue_long' };
  return { key: 'queue_minutes', vars: { n: length.minutes } };
}

/** Whether the queue is long (as the server's alert has it: "long", or 30 minutes or more). */
export function isLong(length: QueueLength): boolean {
  return length === 'long' || (typeof length === 'object' && length.minutes >= 30);
}

/** The accessibility facts the municipality stated, as keys with yes (true) or no (false). */
export function accessibilityFacts(a: Accessibility): { key: Key; yes: boolean }[] {
  const facts: { key: Key; yes: boolean }[] = [];
  const add = (key: Key, value: boolean | null | undefined) => {
    if (value != null) facts.push({ key, yes: value });
  };
  add('a11y_wheelchair', a.wheelchair);
  add('a11y_toilet', a.accessible_toilet);
  add('a11y_transit', a.accessible_transit_stop);
  add('a11y_host', a.host);
  add('a11y_guidance', a.guidance_lines);
  add('a11y_audio', a.audio_support);
  add('a11y_braille', a.braille_candidate_list);
  add('a11y_large_print', a.large_print_candidate_list);
  if (a.sign_language_interpreter === 'on_site') facts.push({ key: 'a11y_interpreter', yes: true });
  else if (a.sign_language_interpreter === 'remote') facts.push({ key: 'a11y_interpreter_remote', yes: true });
  else if (a.sign_language_interpreter === 'none') facts.push({ key: 'a11y_interpreter', yes: false });
  add('a11y_signing_member', a.signing_member);
  add('a11y_hearing', a.hearing_friendly);
  add('a11y_low_stimulus', a.low_stimulus);
  add('a11y_companion', a.low_stimulus_companion);
  return facts;
}

/** A queue in the reader's language: "Korte wachtrij", "About 40 minutes' wait". */
export function describeQueue(length: QueueLength, t: (key: Key, vars?: Record<string, string | number>) => string): string {
  const words = queueWords(length);
  return t(words.key, words.vars);
}

/** A clock time in the election's own zone ("07:30"), whatever the reader's device says. */
export function electionTime(ms: number, offsetMinutes: number, lang: 'nl' | 'en'): string {
  return new Date(ms + offsetMinutes * 60_000).toLocaleTimeString(lang === 'nl' ? 'nl-NL' : 'en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });
}

/** A day in the election's own zone ("18 maart"). */
export function electionDate(ms: number, offsetMinutes: number, lang: 'nl' | 'en'): string {
  return new Date(ms + offsetMinutes * 60_000).toLocaleDateString(lang === 'nl' ? 'nl-NL' : 'en-GB', { day: 'numeric', month: 'long', timeZone: 'UTC' });
}
