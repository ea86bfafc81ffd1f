// The server's types, generated from docs/openapi.json (npm run gen-api).
import type { components } from './schema';

type S = components['schemas'];
export type StationSummary = S['StationSummary'];
export type ChangeView = S['ChangeView'];
export type DashboardMessage = S['DashboardMessage'];
export type Alert = S['Alert'];
export type AlertKind = S['AlertKind'];
export type AlertStatus = S['AlertStatus'];
export type TokenResponse = S['TokenResponse'];
export type Role = S['Role'];
export type TurnoutReport = S['TurnoutReport'];
export type UnitTurnout = S['UnitTurnout'];
export type ResultsReport = S['ResultsReport'];
export type UnitResult = S['UnitResult'];
export type CountingOfficeResult = S['CountingOfficeResult'];
export type StationResultsReport = S['StationResultsReport'];
export type StationResult = S['StationResult'];
export type ResultTotals = S['ResultTotals'];
export type SeatAllocation = S['SeatAllocation'];
export type SeatMethodName = S['SeatMethodName'];
export type StationTimeline = S['StationTimeline'];
export type ErrorBody = S['ErrorBody'];
export type ErrorReference = S['ErrorReference'];
export type Coordinator = S['Coordinator'];
export type ConvocationView = S['ConvocationView'];
export type ConvocationOverview = S['Overview'];
export type ConvocationStatus = S['ConvocationStatus'];
// What an event carries (shared/src/protocol/payload.rs): a station's operation, whose
// `report` has one key, the report's kind, or a control-room action tagged by `action`.
export type EventPayload = S['EventPayload'];
export type Operation = S['Operation'];
export type Report = S['Report'];
export type ControlRoomAction = S['ControlRoomAction'];
export type PresenceReport = S['PresenceReport'];
export type StaffMember = S['StaffMember'];
export type StaffRole = S['StaffRole'];
export type IncidentStatus = S['IncidentStatus'];
export type IncidentCategory = S['IncidentCategory'];
export type IncidentSeverity = S['IncidentSeverity'];
export type CountingOfficesView = S['CountingOfficesView'];
export type CountingOfficeView = S['CountingOfficeView'];
export type OfficeStation = S['OfficeStation'];
export type ProvisionalResult = S['ProvisionalResult'];
export type ResultCheck = S['ResultCheck'];
export type RuleIssue = S['RuleIssue'];
