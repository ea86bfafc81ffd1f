import { createContext, useContext } from 'react';
import type { ConnectionStatus, LiveConnection, StorageState } from './socket';
import type { LiveState } from './state';

export interface Live {
  state: LiveState | null;
  version: number;
  status: ConnectionStatus;
  lastChange: number | null;
  connection: LiveConnection | null;
  /** The server's storage alarm; null while it stores (or has said nothing). */
  storage: StorageState | null;
}

export const LiveContext = createContext<Live>({
  state: null,
  version: 0,
  status: 'connecting',
  lastChange: null,
  connection: null,
  storage: null,
});

export const useLive = () => useContext(LiveContext);
