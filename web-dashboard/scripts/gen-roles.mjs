// Writes src/api/roles.ts from the OpenAPI document: the roles each staff route admits
// (its `x-roles`, which the server copies from the guard's declaration), so that the
// dashboard's page access comes from the same place as the API's and cannot drift.
// Run by `npm run gen-api` (and so by `make dashboard`); test/roles.test.ts fails when
// the committed file is not what this writes.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const DOCUMENT = join(here, '..', '..', 'docs', 'openapi.json');
export const OUTPUT = join(here, '..', 'src', 'api', 'roles.ts');

/** The module's text for an OpenAPI document. */
export function rolesModule(document) {
  const routes = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      const roles = operation?.['x-roles'];
      if (Array.isArray(roles)) routes.push([`${method.toUpperCase()} ${path}`, roles]);
    }
  }
  routes.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const lines = routes.map(([route, roles]) => `  ${JSON.stringify(route)}: [${roles.map((r) => JSON.stringify(r)).join(', ')}],`);
  return [
    '// Generated from docs/openapi.json by scripts/gen-roles.mjs (npm run gen-api). Do not edit.',
    "import type { Role } from './types';",
    '',
    '/** The roles each staff route of the API admits, by "METHOD /path". */',
    'export const ROUTE_ROLES = {',
    ...lines,
    '} as const satisfies Record<string, readonly Role[]>;',
    '',
    'export type StaffRoute = keyof typeof ROUTE_ROLES;',
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(OUTPUT, rolesModule(JSON.parse(readFileSync(DOCUMENT, 'utf8'))));
}
