import { createContext, useContext } from 'react';
import type { ConnectionStatus, LiveConnection } from './socket';
import type { LiveState } from './state';

export interface Live {
  state: LiveState | null;
  version: number;
  status: ConnectionStatus;
  lastChange: number | null;
  connection: LiveConnection | null;
}

export const LiveContext = createContext<Live>({
  state: null,
  version: 0,
  status: 'connecting',
  lastChange: null,
  connection: null,
});

export const useLive = () => useContext(LiveContext);
