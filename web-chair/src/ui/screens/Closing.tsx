import { useState } from 'react';
import type { ClosingView, Event } from '../../generated/types/shared_types';
import { BigButton, NumberInput, Screen } from '../components';
import { useSay } from '../texts';

/** Page.Closing: close the station, with the voters still in the queue. */
export function Closing({ view, send }: { view: ClosingView; send: (e: Event) => void }) {
  const say = useSay();
  const [queue, setQueue] = useState<number | null>(0);
  return (
    <Screen title={say('closing_title')}>
      <p>{say('closing_closes_at', view.closes_at)}</p>
      {view.closed ? (
        <>
          <p>{say('closing_closed')}</p>
          <BigButton label={say('go_to_result')} onClick={() => send({ kind: 'Navigate', value: { kind: 'Result' } })} />
        </>
      ) : view.is_open ? (
        <>
          <NumberInput label={say('closing_queue')} name="queue" value={queue} onValue={setQueue} />
          <BigButton
            label={say('closing_submit')}
            enabled={queue !== null}
            onClick={() => queue !== null && send({ kind: 'CloseStation', voters_in_queue_at_close: queue })}
          />
        </>
      ) : (
        <p>{say('closing_not_open')}</p>
      )}
    </Screen>
  );
}
