// A station's presence report as it travels: `PresenceReport` in
// shared/src/domain/report/presence.rs, serde's externally tagged enum in snake_case.
// test/fixtures/presence-reports.json holds one of each as Rust writes them (a Rust
// test in shared/tests/wire_fixtures.rs fails when they drift).
import type { Key, T } from './i18n';

export type StaffRole = 'chair' | 'member' | 'secretary' | 'counter' | 'substitute';
export const STAFF_ROLES: StaffRole[] = ['chair', 'member', 'secretary', 'counter', 'substitute'];

export interface StaffMember {
  name: string;
  role: StaffRole;
}

export type PresenceReport =
  | { arrived: StaffMember }
  | { departed: { name: string } }
  | { shift_change: { leaving: string[]; arriving: StaffMember[] } };

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function member(v: unknown, t: T): string {
  const m = obj(v);
  const role = str(m.role);
  const label = (STAFF_ROLES as string[]).includes(role) ? t(`role_${role}` as Key) : role;
  return label ? `${str(m.name)} (${label})` : str(m.name);
}

/** One line about a presence report; a shape it does not know gives an empty line. */
export function describePresence(report: unknown, t: T): string {
  const r = obj(report);
  if ('arrived' in r) return t('presenceArrived', { who: member(r.arrived, t) });
  if ('departed' in r) return t('presenceDeparted', { who: str(obj(r.departed).name) });
  if ('shift_change' in r) {
    const s = obj(r.shift_change);
    const names = (items: string[]) => (items.length ? items.join(', ') : '–');
    return t('presenceShiftChange', {
      leaving: names(list(s.leaving).map(str)),
      arriving: names(list(s.arriving).map((m) => member(m, t))),
    });
  }
  return '';
}
