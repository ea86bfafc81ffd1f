import { useState } from 'react';
import type { ActivationView, Event, StationHeader } from '../../generated/types/shared_types';
import { BigButton, Screen, TextInput } from '../components';
import { useSay } from '../texts';

/** The station socket of the server that served this page. */
export function defaultServerUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}/ws/station`;
}

/** Page.Activation: the server's address and the municipality's code. */
export function Activation({ view, station, send }: { view: ActivationView; station: StationHeader | null; send: (e: Event) => void }) {
  const say = useSay();
  const params = new URLSearchParams(window.location.search);
  // The server that served this page; a link may fill in the code (never the server,
  // so that no link can send a station's code elsewhere).
  const [server, setServer] = useState(view.server_url || defaultServerUrl());
  const [code, setCode] = useState(params.get('code') ?? '');
  return (
    <Screen title={say('activation_title')}>
      {view.activated && (
        <>
          <p>{say('activation_done')}</p>
          {station && (
            <p>
              {station.station_name} ({station.station_number}) — {station.location}
              <br />
              {station.election_name}
            </p>
          )}
          <BigButton label={say('go_to_overview')} onClick={() => send({ kind: 'Navigate', value: { kind: 'Day' } })} />
        </>
      )}
      <TextInput label={say('activation_server')} name="server" value={server} onValue={(v) => setServer(v.trim())} />
      <TextInput label={say('activation_code')} name="code" value={code} onValue={(v) => setCode(v.toUpperCase())} />
      {view.in_progress && <p role="status">{say('activation_in_progress')}</p>}
      <BigButton
        label={say('activation_submit')}
        enabled={!view.in_progress && code.trim() !== ''}
        onClick={() => send({ kind: 'Activate', server_url: server, activation_code: code })}
      />
    </Screen>
  );
}
