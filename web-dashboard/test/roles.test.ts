import { describe, expect, it } from 'vitest';
import document from '../../docs/openapi.json';
import { rolesModule } from '../scripts/gen-roles.mjs';
import { PAGES, isFlemish, mayOpen, pageRoles } from '../src/access';
import { ROUTE_ROLES } from '../src/api/roles';
import committed from '../src/api/roles.ts?raw';

type Paths = Record<string, Record<string, { 'x-roles'?: string[] }>>;

describe('page access comes from the API', () => {
  it('the generated route roles are those of docs/openapi.json', () => {
    expect(committed, 'run `npm run gen-api` and commit src/api/roles.ts').toBe(rolesModule(document));
    const paths = document.paths as unknown as Paths;
    for (const [route, roles] of Object.entries(ROUTE_ROLES)) {
      const [method, path] = route.split(' ');
      expect(paths[path][method.toLowerCase()]['x-roles']).toEqual(roles);
    }
  });

  it('every staff role may open the turnout page, as the API allows', () => {
    for (const role of ['administrator', 'coordinator', 'manager', 'viewer'] as const) {
      expect(mayOpen('/turnout', role), role).toBe(true);
    }
  });

  it('the control-room pages stay with the control room', () => {
    for (const path of ['/incidents', '/stations/GM0599-1']) {
      expect(mayOpen(path, 'coordinator')).toBe(true);
      expect(mayOpen(path, 'manager'), path).toBe(false);
      expect(mayOpen(path, 'viewer'), path).toBe(false);
    }
  });

  it("a page admits exactly the roles all of its routes admit", () => {
    for (const page of PAGES) {
      const expected = ['administrator', 'coordinator', 'manager', 'viewer'].filter((role) =>
        page.routes.every((route) => (ROUTE_ROLES[route] as readonly string[]).includes(role)),
      );
      expect(pageRoles(page)).toEqual(expected);
    }
  });
});

describe('menu items that concern some municipalities only', () => {
  it('offers the counting offices to Flemish municipalities (NIS codes), not Dutch ones', () => {
    const offices = PAGES.find((p) => p.nav?.href === '/telbureaus');
    expect(offices?.concerns?.('46021')).toBe(true);
    expect(offices?.concerns?.('GM0599')).toBe(false);
    expect(isFlemish('4602')).toBe(false);
    // Every other page concerns every municipality.
    expect(PAGES.filter((p) => p.concerns).map((p) => p.nav?.href)).toEqual(['/telbureaus']);
  });
});
