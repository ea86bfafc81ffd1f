// The server's types, generated from docs/openapi.json (npm run gen-api).
import type { components } from './schema';

type S = components['schemas'];
export type StationSummary = S['StationSummary'];
export type ChangeView = S['ChangeView'];
export type DashboardMessage = S['DashboardMessage'];
export type Alert = S['Alert'];
export type AlertKind = S['AlertKind'];
export type TokenResponse = S['TokenResponse'];
export type Role = S['Role'];
export type TurnoutReport = S['TurnoutReport'];
export type UnitTurnout = S['UnitTurnout'];
export type ResultsReport = S['ResultsReport'];
export type UnitResult = S['UnitResult'];
export type ResultTotals = S['ResultTotals'];
export type SeatAllocation = S['SeatAllocation'];
export type SeatMethodName = S['SeatMethodName'];
export type StationTimeline = S['StationTimeline'];
export type ErrorBody = S['ErrorBody'];
export type Coordinator = S['Coordinator'];
