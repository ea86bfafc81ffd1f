// The payload of a change, read through the types generated from the server's OpenAPI
// document (`EventPayload` in shared/src/protocol/payload.rs): a station's operation,
// whose `report` has one key, the report's kind; or a control-room action, tagged by
// `action`. The server sends null for a payload withheld from the viewer (a result
// under embargo) or stored by an older version that no longer reads.
import type { ChangeView, Report, ControlRoomAction } from './api/types';

/** The station's report in a change; null for an action or a missing payload. */
export function reportOf(change: ChangeView): Report | null {
  const p = change.payload;
  return p && 'report' in p ? p.report : null;
}

/** The control room's action in a change; null for a report or a missing payload. */
export function actionOf(change: ChangeView): ControlRoomAction | null {
  const p = change.payload;
  return p && 'action' in p ? p : null;
}

/** The voters counted in a turnout report; null for any other change. */
export function turnoutOf(change: ChangeView): number | null {
  const r = reportOf(change);
  return r && 'turnout' in r ? r.turnout.count : null;
}
