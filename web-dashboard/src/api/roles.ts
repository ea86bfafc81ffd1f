// Generated from docs/openapi.json by scripts/gen-roles.mjs (npm run gen-api). Do not edit.
import type { Role } from './types';

/** The roles each staff route of the API admits, by "METHOD /path". */
export const ROUTE_ROLES = {
  "GET /api/municipalities/{code}/alerts": ["administrator", "coordinator", "manager", "viewer"],
  "GET /api/municipalities/{code}/convocations": ["administrator", "coordinator"],
  "GET /api/municipalities/{code}/coordinators": ["administrator", "coordinator"],
  "GET /api/municipalities/{code}/counting-offices": ["administrator", "coordinator", "manager", "viewer"],
  "GET /api/municipalities/{code}/incidents": ["administrator", "coordinator"],
  "GET /api/municipalities/{code}/results": ["administrator", "coordinator", "manager", "viewer"],
  "GET /api/municipalities/{code}/results.csv": ["administrator", "coordinator", "manager", "viewer"],
  "GET /api/municipalities/{code}/results/chart": ["administrator", "coordinator", "manager", "viewer"],
  "GET /api/municipalities/{code}/results/stations": ["administrator", "coordinator", "manager", "viewer"],
  "GET /api/municipalities/{code}/stations": ["administrator", "coordinator", "manager", "viewer"],
  "GET /api/municipalities/{code}/turnout": ["administrator", "coordinator", "manager", "viewer"],
  "GET /api/municipalities/{code}/turnout.csv": ["administrator", "coordinator", "manager", "viewer"],
  "GET /api/municipalities/{code}/turnout/chart": ["administrator", "coordinator", "manager", "viewer"],
  "GET /api/stations/{station}/timeline": ["administrator", "coordinator"],
  "POST /api/municipalities/{code}/counting-offices/{number}/claim": ["administrator", "coordinator"],
  "POST /api/municipalities/{code}/counting-offices/{number}/lock": ["administrator"],
  "POST /api/municipalities/{code}/counting-offices/{number}/release": ["administrator", "coordinator"],
  "POST /api/municipalities/{code}/counting-offices/{number}/result/check": ["administrator", "coordinator"],
  "POST /api/municipalities/{code}/counting-offices/{number}/unlink": ["administrator"],
  "POST /api/municipalities/{code}/counting-offices/{number}/unlock": ["administrator"],
  "POST /api/municipalities/{code}/messages": ["administrator", "coordinator"],
  "POST /api/stations/{station}/alerts": ["administrator", "coordinator"],
  "POST /api/stations/{station}/incidents/{incident}/status": ["administrator", "coordinator"],
  "POST /api/stations/{station}/resupply": ["administrator", "coordinator"],
  "PUT /api/municipalities/{code}/counting-offices/{number}": ["administrator"],
  "PUT /api/municipalities/{code}/counting-offices/{number}/result": ["administrator", "coordinator"],
} as const satisfies Record<string, readonly Role[]>;

export type StaffRoute = keyof typeof ROUTE_ROLES;
