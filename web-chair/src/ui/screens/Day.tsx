import { useEffect, useId, useState } from 'react';
import type { DayView, Event, IssueView, MessageView, QueueView } from '../../generated/types/shared_types';
import { InfoRow, NumberInput, Screen, SecondaryButton, Section, fieldState, orNone } from '../components';
import { useSay } from '../texts';

/** Page.Day: what is due, the queue outside, the day's figures, and the control room's messages. */
export function Day({ view, issues, send }: { view: DayView; issues: IssueView[]; send: (e: Event) => void }) {
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
      {view.queue !== null && <Queue queue={view.queue} issues={issues} send={send} />}
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

/**
 * The queue outside, while the station is open: one tap on an option reports it, or a
 * wait in minutes. Every text is the core's; a wait it refuses shows in its issues and
 * marks the field.
 */
function Queue({ queue, issues, send }: { queue: QueueView; issues: IssueView[]; send: (e: Event) => void }) {
  const titleId = useId();
  const [minutes, setMinutes] = useState<number | null>(null);
  // A wait the core took replaces the current queue: the field is then emptied, so it
  // does not invite sending the same wait again. A refused one stays, to correct.
  useEffect(() => setMinutes(null), [queue.current]);
  return (
    <section className="card queue" aria-labelledby={titleId} data-testid="queue">
      <h2 id={titleId}>{queue.title}</h2>
      {/* Announced when a new report replaces the last one. */}
      <p className="queue-current" role="status">
        {queue.current ?? ''}
      </p>
      <div className="queue-options" role="group" aria-labelledby={titleId}>
        {queue.options.map((option) => (
          <button
            key={option.length.kind}
            type="button"
            className="queue-option"
            aria-pressed={option.selected}
            onClick={() => send({ kind: 'ReportQueue', length: option.length })}
          >
            {option.label}
          </button>
        ))}
      </div>
      {/* Kept after sending: a wait the core refuses stays there, marked, to correct. */}
      <NumberInput label={queue.minutes_label} name="queue-minutes" value={minutes} state={fieldState(issues, 'minutes')} onValue={setMinutes} />
      <SecondaryButton
        label={queue.minutes_button}
        enabled={minutes !== null}
        onClick={() => {
          if (minutes === null) return;
          send({ kind: 'ReportQueue', length: { kind: 'Minutes', value: minutes } });
        }}
      />
    </section>
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
