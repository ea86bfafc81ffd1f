// What staff type survives an expired session: every draft is kept in session storage
// under its own key until it is sent.
import { useState } from 'react';

const prefix = 'kiesdag.draft.';

export function useDraft(key: string, initial = ''): [string, (v: string) => void, () => void] {
  const [value, setValue] = useState(() => sessionStorage.getItem(prefix + key) ?? initial);
  const set = (v: string) => {
    setValue(v);
    sessionStorage.setItem(prefix + key, v);
  };
  const clear = () => {
    setValue(initial);
    sessionStorage.removeItem(prefix + key);
  };
  return [value, set, clear];
}
