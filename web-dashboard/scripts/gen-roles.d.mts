export const DOCUMENT: string;
export const OUTPUT: string;
export function rolesModule(document: unknown): string;
