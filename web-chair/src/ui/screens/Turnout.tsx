import { useState } from 'react';
import type { Event, TurnoutMoment, TurnoutView } from '../../generated/types/shared_types';
import { Timestamp } from '../../generated/types/shared_types';
import { BigButton, Choice, NumberInput, Screen, Section, StateText, TextInput, orNone } from '../components';
import { useSay } from '../texts';

function sameMoment(a: TurnoutMoment, b: TurnoutMoment): boolean {
  if (a.kind === 'AdHoc' || b.kind === 'AdHoc') return a.kind === b.kind;
  return a.value.value === b.value.value;
}

/** Page.Turnout: the count so far at a set moment (or in between), and the log. */
export function Turnout({ view, send }: { view: TurnoutView; send: (e: Event) => void }) {
  const say = useSay();
  const none = say('none');
  const [count, setCount] = useState<number | null>(null);
  const suggested: TurnoutMoment = view.suggested_moment ?? { kind: 'AdHoc' };
  const [chosen, setChosen] = useState<TurnoutMoment | null>(null);
  const moment = chosen ?? suggested;
  const [reason, setReason] = useState('');
  const lower = count !== null && view.latest !== null && count < view.latest;
  const moments: TurnoutMoment[] = [
    ...view.moments.map((m): TurnoutMoment => ({ kind: 'Scheduled', value: new Timestamp(BigInt(m.at_ms)) })),
    { kind: 'AdHoc' },
  ];
  const label = (m: TurnoutMoment) => {
    if (m.kind === 'AdHoc') return say('turnout_ad_hoc');
    const known = view.moments.find((v) => BigInt(v.at_ms) === BigInt(m.value.value));
    if (known === undefined) return '';
    return known.reported ? `${known.label} ✓ ${say('turnout_reported')}` : known.label;
  };
  return (
    <Screen title={say('turnout_title')}>
      <p>{say('turnout_latest', orNone(view.latest, none))}</p>
      <p>{say('turnout_expected', orNone(view.expected_voters, none))}</p>
      <NumberInput label={say('turnout_count')} name="turnout" value={count} onValue={setCount} />
      <Choice legend={say('turnout_moment')} options={moments} selected={moment} same={sameMoment} label={label} onSelect={setChosen} />
      {/* A lower count is a correction and needs a reason (the core says so too). */}
      {lower && <TextInput label={say('turnout_correction')} help={say('free_text_no_voters')} name="correction" value={reason} onValue={setReason} multiline />}
      <BigButton
        label={say('turnout_submit')}
        enabled={count !== null}
        onClick={() => {
          if (count === null) return;
          send({ kind: 'ReportTurnout', count, moment, correction_reason: lower && reason.trim() !== '' ? reason.trim() : null });
          setCount(null);
          setReason('');
          setChosen(null);
        }}
      />
      {view.log.length > 0 && <Section>{say('turnout_log')}</Section>}
      <ul className="rows">
        {view.log.map((row) => (
          <li key={String(row.seq)} className="row">
            <span>
              {row.at} · {row.moment} · {row.count}
              {row.correction_reason !== null && ` (${row.correction_reason})`}
            </span>
            <StateText state={row.state} />
          </li>
        ))}
      </ul>
    </Screen>
  );
}
