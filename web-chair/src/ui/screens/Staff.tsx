import { useState } from 'react';
import { StaffMember, type Event, type StaffRole, type StaffView } from '../../generated/types/shared_types';
import { BigButton, CheckRow, Choice, ROLES, Screen, SecondaryButton, Section, TextInput, useRoleLabel } from '../components';
import { useSay } from '../texts';

/** Page.Staff: who is present, arrivals, departures, and a shift change. */
export function Staff({ view, send }: { view: StaffView; send: (e: Event) => void }) {
  const say = useSay();
  const roleLabel = useRoleLabel();
  const [name, setName] = useState('');
  const [role, setRole] = useState<StaffRole>({ kind: 'Member' });
  const [leaving, setLeaving] = useState<Set<string>>(new Set());
  const [arriving, setArriving] = useState('');
  const arrivingMembers = arriving
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  return (
    <Screen title={say('staff_title')}>
      <Section>{say('staff_present', view.min_members)}</Section>
      <ul className="rows">
        {view.present.map((member) => (
          <li key={member.name} className="row">
            <span>
              {member.name} — {member.role_label}
            </span>
            <SecondaryButton label={say('staff_departed')} onClick={() => send({ kind: 'MemberDeparted', name: member.name })} />
          </li>
        ))}
      </ul>
      <Section>{say('staff_arrived')}</Section>
      <TextInput label={say('member_name')} name="arrived" value={name} onValue={setName} />
      <Choice legend={say('member_role')} options={ROLES} selected={role} label={roleLabel} onSelect={setRole} />
      <BigButton
        label={say('staff_arrived')}
        enabled={name.trim() !== ''}
        onClick={() => {
          send({ kind: 'MemberArrived', name: name.trim(), role });
          setName('');
        }}
      />
      <Section>{say('staff_shift')}</Section>
      <p>{say('staff_shift_leaving')}</p>
      {view.present.map((member) => (
        <CheckRow
          key={member.name}
          label={member.name}
          checked={leaving.has(member.name)}
          onToggle={() => {
            const next = new Set(leaving);
            if (!next.delete(member.name)) next.add(member.name);
            setLeaving(next);
          }}
        />
      ))}
      <TextInput label={say('staff_shift_arriving')} name="arriving" value={arriving} onValue={setArriving} />
      <BigButton
        label={say('staff_shift_submit')}
        enabled={leaving.size > 0 || arrivingMembers.length > 0}
        onClick={() => {
          send({
            kind: 'ShiftChange',
            leaving: [...leaving],
            arriving: arrivingMembers.map((n) => new StaffMember(n, { kind: 'Member' })),
          });
          setLeaving(new Set());
          setArriving('');
        }}
      />
    </Screen>
  );
}
