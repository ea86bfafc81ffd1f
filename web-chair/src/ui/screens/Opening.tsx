import { useState } from 'react';
import type { Event, OpeningView, StaffRole } from '../../generated/types/shared_types';
import { BigButton, CheckRow, Choice, ROLES, Screen, SecondaryButton, Section, TextInput, useRoleLabel } from '../components';
import { useSay } from '../texts';

/** Page.Opening: the checklist, the members present, and opening the station. */
export function Opening({ view, send }: { view: OpeningView; send: (e: Event) => void }) {
  const say = useSay();
  const roleLabel = useRoleLabel();
  const [name, setName] = useState('');
  const [role, setRole] = useState<StaffRole>({ kind: 'Member' });
  return (
    <Screen title={say('opening_title')}>
      <p>{say('opening_opens_at', view.opens_at)}</p>
      {view.already_open && <p>{say('opening_already_open')}</p>}
      <Section>{say('opening_checklist', view.checklist_done, view.checklist_total)}</Section>
      {view.checklist.map((item) => (
        <CheckRow key={item.id} label={item.label} checked={item.done} onToggle={() => send({ kind: 'ToggleChecklistItem', item_id: item.id })} />
      ))}
      <Section>{say('opening_members', view.min_members)}</Section>
      <ul className="rows">
        {view.members.map((member) => (
          <li key={member.name} className="row">
            <span>
              {member.name} — {member.role_label}
            </span>
            <SecondaryButton label={say('member_remove')} onClick={() => send({ kind: 'RemoveMember', name: member.name })} />
          </li>
        ))}
      </ul>
      {/* The staff the municipality planned: one tap adds each. */}
      <div className="planned">
        {view.planned.map((planned) => (
          <SecondaryButton
            key={planned.name}
            label={`+ ${planned.name} — ${planned.role_label}`}
            onClick={() => send({ kind: 'AddMember', name: planned.name, role: planned.role })}
          />
        ))}
      </div>
      <TextInput label={say('member_name')} name="member" value={name} onValue={setName} />
      <Choice legend={say('member_role')} options={ROLES} selected={role} label={roleLabel} onSelect={setRole} />
      <SecondaryButton
        label={say('member_add')}
        enabled={name.trim() !== ''}
        onClick={() => {
          send({ kind: 'AddMember', name: name.trim(), role });
          setName('');
        }}
      />
      <BigButton label={say('opening_open')} enabled={view.can_open} onClick={() => send({ kind: 'OpenStation' })} />
    </Screen>
  );
}
