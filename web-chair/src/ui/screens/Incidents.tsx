import { useState } from 'react';
import type { Event, IncidentCategory, IncidentSeverity, IncidentView, IncidentsView } from '../../generated/types/shared_types';
import { BigButton, Choice, Screen, SecondaryButton, Section, StateText, TextInput } from '../components';
import { useSay, type Say } from '../texts';
import { Messages } from './Day';

const CATEGORIES: IncidentCategory[] = ['Staffing', 'BallotPapers', 'Equipment', 'Accessibility', 'VoterDispute', 'Safety', 'Other'].map(
  (kind) => ({ kind }) as IncidentCategory,
);
const SEVERITIES: IncidentSeverity[] = ['Low', 'Medium', 'High', 'Critical'].map((kind) => ({ kind }) as IncidentSeverity);

function categoryLabel(say: Say, c: IncidentCategory): string {
  return say(
    (
      {
        Staffing: 'category_staffing',
        BallotPapers: 'category_ballots',
        Equipment: 'category_equipment',
        Accessibility: 'category_accessibility',
        VoterDispute: 'category_dispute',
        Safety: 'category_safety',
        Other: 'category_other',
      } as const
    )[c.kind],
  );
}

function severityLabel(say: Say, s: IncidentSeverity): string {
  return say(({ Low: 'severity_low', Medium: 'severity_medium', High: 'severity_high', Critical: 'severity_critical' } as const)[s.kind]);
}

/** Page.Incidents: report an incident, follow its thread with the control room. */
export function Incidents({ view, send }: { view: IncidentsView; send: (e: Event) => void }) {
  const say = useSay();
  const [category, setCategory] = useState<IncidentCategory>({ kind: 'Other' });
  const [severity, setSeverity] = useState<IncidentSeverity>({ kind: 'Medium' });
  const [text, setText] = useState('');
  return (
    <Screen title={say('incidents_title')}>
      <Section>{say('incident_new')}</Section>
      <Choice legend={say('incident_category')} options={CATEGORIES} selected={category} label={(c) => categoryLabel(say, c)} onSelect={setCategory} />
      <Choice legend={say('incident_severity')} options={SEVERITIES} selected={severity} label={(s) => severityLabel(say, s)} onSelect={setSeverity} />
      <TextInput label={say('incident_text')} help={say('free_text_no_voters')} name="incident" value={text} onValue={setText} multiline />
      <BigButton
        label={say('incident_submit')}
        enabled={text.trim() !== ''}
        onClick={() => {
          send({ kind: 'ReportIncident', category, severity, text: text.trim() });
          setText('');
        }}
      />
      {view.incidents.map((incident) => (
        <Incident key={incident.incident_id} incident={incident} send={send} />
      ))}
      <Messages messages={view.messages} />
    </Screen>
  );
}

function Incident({ incident, send }: { incident: IncidentView; send: (e: Event) => void }) {
  const say = useSay();
  const [reply, setReply] = useState('');
  return (
    <article className="card incident" aria-label={`${categoryLabel(say, incident.category)} ${incident.reported_at}`}>
      <div className="row">
        <strong>
          {categoryLabel(say, incident.category)} · {severityLabel(say, incident.severity)}
        </strong>
        <StateText state={incident.state} />
      </div>
      <small>
        {incident.reported_at} · {incident.status_label}
      </small>
      <p>{incident.text}</p>
      <ul className="thread">
        {incident.messages.map((message, i) => (
          <li key={i} className={message.from_station ? 'from-station' : 'from-control-room'}>
            {message.at} {message.from}: {message.text} {message.state !== null && <StateText state={message.state} />}
          </li>
        ))}
      </ul>
      <TextInput label={say('incident_reply')} help={say('free_text_no_voters')} value={reply} onValue={setReply} multiline />
      <SecondaryButton
        label={say('incident_send')}
        enabled={reply.trim() !== ''}
        onClick={() => {
          send({ kind: 'SendIncidentMessage', incident_id: incident.incident_id, text: reply.trim() });
          setReply('');
        }}
      />
    </article>
  );
}
