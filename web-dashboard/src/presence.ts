// A station's presence report (`PresenceReport` in shared/src/domain/report/presence.rs,
// serde's externally tagged enum in snake_case), as the types generated from the
// server's OpenAPI document describe it. test/fixtures/presence-reports.json holds one
// of each as Rust writes them (a Rust test in shared/tests/wire_fixtures.rs fails when
// they drift).
import type { PresenceReport, StaffMember, StaffRole } from './api/types';
import type { T } from './i18n';

export type { PresenceReport, StaffMember, StaffRole };

function member(m: StaffMember, t: T): string {
  return `${m.name} (${t(`role_${m.role}`)})`;
}

/** One line about a presence report. */
export function describePresence(report: PresenceReport, t: T): string {
  if ('arrived' in report) return t('presenceArrived', { who: member(report.arrived, t) });
  if ('departed' in report) return t('presenceDeparted', { who: report.departed.name });
  const s = report.shift_change;
  const names = (items: string[]) => (items.length ? items.join(', ') : '–');
  return t('presenceShiftChange', {
    leaving: names(s.leaving),
    arriving: names(s.arriving.map((m) => member(m, t))),
  });
}
