import { useState } from 'react';
import type { BallotStockView, Event, Urgency } from '../../generated/types/shared_types';
import { BigButton, Choice, InfoRow, NumberInput, Screen, Section, TextInput, URGENCIES, orNone } from '../components';
import { useSay } from '../texts';

/** Page.BallotStock: the stock of ballot papers, and a request for more. */
export function BallotStock({ view, send }: { view: BallotStockView; send: (e: Event) => void }) {
  const say = useSay();
  const none = say('none');
  const [received, setReceived] = useState<number | null>(view.received);
  const [remaining, setRemaining] = useState<number | null>(null);
  const [quantity, setQuantity] = useState<number | null>(null);
  const [urgency, setUrgency] = useState<Urgency>({ kind: 'Normal' });
  const [note, setNote] = useState('');
  const urgencyLabel = (u: Urgency) => say(({ Normal: 'urgency_normal', High: 'urgency_high', Critical: 'urgency_critical' } as const)[u.kind]);
  return (
    <Screen title={say('ballots_title')}>
      <InfoRow label={say('ballots_received')} value={orNone(view.received, none)} />
      <InfoRow label={say('ballots_remaining')} value={orNone(view.remaining, none)} />
      <InfoRow label={say('ballots_issued')} value={orNone(view.issued, none)} />
      {view.run_out_at !== null && <p className="overdue">{say('ballots_run_out', view.run_out_at)}</p>}
      <NumberInput label={say('ballots_received')} name="received" value={received} onValue={setReceived} />
      <NumberInput label={say('ballots_remaining')} name="remaining" value={remaining} onValue={setRemaining} />
      <BigButton
        label={say('ballots_submit')}
        enabled={received !== null && remaining !== null}
        onClick={() => {
          if (received === null || remaining === null) return;
          send({ kind: 'ReportBallotStock', received, remaining });
          setRemaining(null);
        }}
      />
      <Section>{say('resupply_title')}</Section>
      {view.resupply_requested > 0 && <p>{say('resupply_requested', view.resupply_requested)}</p>}
      <NumberInput label={say('resupply_quantity')} name="quantity" value={quantity} onValue={setQuantity} />
      <Choice legend={say('resupply_urgency')} options={URGENCIES} selected={urgency} label={urgencyLabel} onSelect={setUrgency} />
      <TextInput label={say('resupply_note')} help={say('free_text_no_voters')} name="note" value={note} onValue={setNote} multiline />
      <BigButton
        label={say('resupply_submit')}
        enabled={quantity !== null}
        onClick={() => {
          if (quantity === null) return;
          send({ kind: 'RequestResupply', quantity, urgency, note: note.trim() });
          setQuantity(null);
          setNote('');
          setUrgency({ kind: 'Normal' });
        }}
      />
    </Screen>
  );
}
