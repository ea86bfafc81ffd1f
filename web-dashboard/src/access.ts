// Who may open which page. A page's roles are not written here: they are those of the
// API routes the page reads and acts on (ROUTE_ROLES, generated from the OpenAPI
// document, which the server generates from its guard), so the page and the API
// cannot disagree.
import { ROUTE_ROLES, type StaffRoute } from './api/roles';
import type { Role } from './api/types';
import type { Key } from './i18n';

export interface PageDef {
  match: (path: string) => boolean;
  /** The routes the page calls: whoever may call all of them may open it. */
  routes: StaffRoute[];
  nav?: { href: string; label: Key };
  /** In the menu only for the municipalities it concerns (by code); absent: every one. */
  concerns?: (municipality: string) => boolean;
}

/**
 * Whether `code` is a Flemish municipality's (a five-digit NIS code, as the Flemish
 * station import requires; Dutch municipalities have CBS codes, "GM0599"). Counting
 * offices are Flemish paper voting's: the server refuses them elsewhere.
 */
export function isFlemish(code: string): boolean {
  return /^\d{5}$/.test(code);
}

export const PAGES: PageDef[] = [
  {
    match: (p) => p === '/control',
    routes: ['GET /api/municipalities/{code}/alerts'],
    nav: { href: '/control', label: 'navControl' },
  },
  {
    match: (p) => p === '/incidents',
    routes: [
      'GET /api/municipalities/{code}/incidents',
      'GET /api/municipalities/{code}/coordinators',
      'POST /api/municipalities/{code}/messages',
      'POST /api/stations/{station}/incidents/{incident}/status',
    ],
    nav: { href: '/incidents', label: 'navIncidents' },
  },
  {
    match: (p) => p === '/convocations',
    routes: ['GET /api/municipalities/{code}/convocations'],
    nav: { href: '/convocations', label: 'navConvocations' },
  },
  {
    match: (p) => p === '/turnout',
    routes: [
      'GET /api/municipalities/{code}/turnout',
      'GET /api/municipalities/{code}/turnout/chart',
      'GET /api/municipalities/{code}/turnout.csv',
    ],
    nav: { href: '/turnout', label: 'navTurnout' },
  },
  {
    match: (p) => p === '/results',
    routes: [
      'GET /api/municipalities/{code}/results',
      'GET /api/municipalities/{code}/results/chart',
      'GET /api/municipalities/{code}/results.csv',
    ],
    nav: { href: '/results', label: 'navResults' },
  },
  {
    // Every staff role sees the offices; what each may do there is the API's too (mayCall).
    match: (p) => p === '/telbureaus',
    routes: ['GET /api/municipalities/{code}/counting-offices', 'GET /api/municipalities/{code}/results'],
    nav: { href: '/telbureaus', label: 'navCountingOffices' },
    concerns: isFlemish,
  },
  {
    match: (p) => p.startsWith('/stations/'),
    routes: [
      'GET /api/stations/{station}/timeline',
      'GET /api/municipalities/{code}/alerts',
      'POST /api/municipalities/{code}/messages',
      'POST /api/stations/{station}/resupply',
      'POST /api/stations/{station}/alerts',
    ],
  },
];

/** The roles that may open `page`: those every route of it admits. */
export function pageRoles(page: PageDef): Role[] {
  const [first, ...rest] = page.routes.map((r) => ROUTE_ROLES[r] as readonly Role[]);
  return (first ?? []).filter((role) => rest.every((roles) => roles.includes(role)));
}

/** Whether `role` may call `route`: a page offers an action only to the roles the API admits. */
export function mayCall(route: StaffRoute, role: Role): boolean {
  return (ROUTE_ROLES[route] as readonly Role[]).includes(role);
}

/** Whether `role` may open `path` (a path no page claims is open to every role). */
export function mayOpen(path: string, role: Role): boolean {
  const page = PAGES.find((p) => p.match(path));
  return page ? pageRoles(page).includes(role) : true;
}
