import type { DayView, Event, MessageView } from '../../generated/types/shared_types';
import { InfoRow, Screen, SecondaryButton, Section, orNone } from '../components';
import { useSay } from '../texts';

/** Page.Day: what is due, the day's figures, and the control room's messages. */
export function Day({ view, send }: { view: DayView; send: (e: Event) => void }) {
  const say = useSay();
  const none = say('none');
  const turnout =
    view.turnout === null ? null : view.expected_voters === null ? String(view.turnout) : say('day_turnout_of', view.turnout, view.expected_voters);
  return (
    <Screen title={say('day_title')}>
      {view.due.length > 0 && <Section>{say('day_due')}</Section>}
      {view.due.map((due, i) => (
        <button key={i} type="button" className="card due" onClick={() => send({ kind: 'Navigate', value: due.screen })}>
          <strong>{due.label}</strong>
          {due.at !== '' && <span className={due.overdue ? 'overdue' : ''}>{due.overdue ? `${due.at} — ${say('day_overdue')}` : due.at}</span>}
        </button>
      ))}
      <InfoRow label={say('day_turnout')} value={orNone(turnout, none)} />
      <InfoRow label={say('day_ballots')} value={orNone(view.ballots_remaining, none)} />
      {view.ballots_run_out_at !== null && <p className="overdue">{say('day_run_out', view.ballots_run_out_at)}</p>}
      <InfoRow label={say('day_members')} value={String(view.members_present)} />
      <InfoRow label={say('day_incidents')} value={String(view.open_incidents)} />
      <Messages messages={view.messages} />
      {/* Every report of today on one page, to print or photograph: the paper fallback. */}
      <SecondaryButton label={say('day_summary')} onClick={() => send({ kind: 'Navigate', value: { kind: 'Summary' } })} />
    </Screen>
  );
}

export function Messages({ messages }: { messages: MessageView[] }) {
  const say = useSay();
  if (messages.length === 0) return null;
  return (
    <>
      <Section>{say('messages')}</Section>
      <ul className="messages">
        {messages.map((message, i) => (
          <li key={i} className="card">
            <small>
              {message.from} · {message.at}
            </small>
            <p>{message.text}</p>
          </li>
        ))}
      </ul>
    </>
  );
}
