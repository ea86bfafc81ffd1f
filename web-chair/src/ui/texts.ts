// The shell's own texts (the core's arrive in the view model already in the chair's
// language), generated from the Android app's strings so all shells say the same.
import { createContext, useContext } from 'react';
import { dutch, english, type TextKey } from '../generated/texts';
import type { Language } from '../generated/types/shared_types';

export type Say = (key: TextKey, ...args: (string | number)[]) => string;

/** Android's positional placeholders: %1$s, %2$d. */
export function format(template: string, args: (string | number)[]): string {
  return template.replace(/%(\d+)\$[sd]/g, (whole, n: string) => {
    const value = args[Number(n) - 1];
    return value === undefined ? whole : String(value);
  });
}

export function sayIn(language: Language['kind']): Say {
  const table: Record<TextKey, string> = language === 'English' ? english : dutch;
  return (key, ...args) => format(table[key], args);
}

export const SayContext = createContext<Say>(sayIn('Dutch'));

export function useSay(): Say {
  return useContext(SayContext);
}
