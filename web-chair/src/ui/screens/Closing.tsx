import { useState } from 'react';
import type { ClosingView, Event } from '../../generated/types/shared_types';
import { BigButton, CheckRow, NumberInput, Screen, Section } from '../components';
import { useSay } from '../texts';

/** Page.Closing: the closing checklist, then close the station with the voters still in the queue. */
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
          <Section>{say('closing_checklist', view.checklist_done, view.checklist_total)}</Section>
          {view.checklist.map((item) => (
            <CheckRow key={item.id} label={item.label} checked={item.done} onToggle={() => send({ kind: 'ToggleClosingItem', item_id: item.id })} />
          ))}
          <NumberInput label={say('closing_queue')} name="queue" value={queue} onValue={setQueue} />
          <BigButton
            label={say('closing_submit')}
            enabled={view.can_close && queue !== null}
            onClick={() => queue !== null && send({ kind: 'CloseStation', voters_in_queue_at_close: queue })}
          />
        </>
      ) : (
        <p>{say('closing_not_open')}</p>
      )}
    </Screen>
  );
}
