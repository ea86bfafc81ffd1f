import {
  ListVotes,
  ProvisionalResult,
  VotersCounts,
  VotesCounts,
  type Event,
  type ResultView,
} from '../../generated/types/shared_types';
import { BigButton, Issues, NumberInput, Screen, Section, TextInput, fieldState } from '../components';
import { useSay } from '../texts';

type Draft = {
  voters: { poll_cards: number; proxy_certificates: number; voter_cards: number; admitted_voters: number };
  votes: { list_votes: { list_number: number; votes: number }[]; votes_for_candidates: number; blank_votes: number; invalid_votes: number; votes_cast: number };
  more_ballots_counted: number;
  fewer_ballots_counted: number;
  explanation: string;
};

function plain(r: ProvisionalResult): Draft {
  return {
    voters: { ...r.voters },
    votes: { ...r.votes, list_votes: r.votes.list_votes.map((l) => ({ ...l })) },
    more_ballots_counted: r.more_ballots_counted,
    fewer_ballots_counted: r.fewer_ballots_counted,
    explanation: r.explanation,
  };
}

function typed(d: Draft): ProvisionalResult {
  return new ProvisionalResult(
    new VotersCounts(d.voters.poll_cards, d.voters.proxy_certificates, d.voters.voter_cards, d.voters.admitted_voters),
    new VotesCounts(
      d.votes.list_votes.map((l) => new ListVotes(l.list_number, l.votes)),
      d.votes.votes_for_candidates,
      d.votes.blank_votes,
      d.votes.invalid_votes,
      d.votes.votes_cast,
    ),
    d.more_ballots_counted,
    d.fewer_ballots_counted,
    d.explanation,
  );
}

/**
 * Page.Result: the count, field by field as on the official form. Every change goes to
 * the core (EditResult), which checks it with the shared rules as the chair types; a
 * field an issue concerns is marked.
 */
export function Result({ view, send }: { view: ResultView; send: (e: Event) => void }) {
  const say = useSay();
  const draft = plain(view.draft);
  const edit = (change: (d: Draft) => void) => {
    const next = plain(view.draft);
    change(next);
    send({ kind: 'EditResult', value: typed(next) });
  };
  const state = (field: string) => fieldState(view.issues, field);
  if (!view.may_submit) {
    return (
      <Screen title={say('result_title')}>
        <p>{say('result_close_first')}</p>
      </Screen>
    );
  }
  const help = (field: string) => view.help.find((h) => h.field === field)?.text;
  const number = (label: string, field: string, value: number, set: (d: Draft, v: number) => void) => (
    <NumberInput label={label} name={field} value={value} state={state(field)} help={help(field)} onValue={(v) => edit((d) => set(d, v ?? 0))} />
  );
  return (
    <Screen title={say('result_title')}>
      {view.submitted && <p role="status">{say('result_submitted')}</p>}
      <Section>{say('result_voters')}</Section>
      {number(say('result_poll_cards'), 'voters.poll_cards', draft.voters.poll_cards, (d, v) => (d.voters.poll_cards = v))}
      {number(say('result_proxies'), 'voters.proxy_certificates', draft.voters.proxy_certificates, (d, v) => (d.voters.proxy_certificates = v))}
      {number(say('result_voter_cards'), 'voters.voter_cards', draft.voters.voter_cards, (d, v) => (d.voters.voter_cards = v))}
      {number(say('result_admitted'), 'voters.admitted_voters', draft.voters.admitted_voters, (d, v) => (d.voters.admitted_voters = v))}
      <Section>{say('result_votes')}</Section>
      {view.lists.map((list) => (
        <NumberInput
          key={list.number}
          label={say('result_list', list.number, list.name)}
          name={`list-${list.number}`}
          value={list.votes}
          state={state('votes.list_votes')}
          onValue={(v) =>
            edit((d) => {
              const others = d.votes.list_votes.filter((l) => l.list_number !== list.number);
              d.votes.list_votes = [...others, { list_number: list.number, votes: v ?? 0 }].sort((a, b) => a.list_number - b.list_number);
            })
          }
        />
      ))}
      {number(say('result_candidates'), 'votes.votes_for_candidates', draft.votes.votes_for_candidates, (d, v) => (d.votes.votes_for_candidates = v))}
      {number(say('result_blank'), 'votes.blank_votes', draft.votes.blank_votes, (d, v) => (d.votes.blank_votes = v))}
      {number(say('result_invalid'), 'votes.invalid_votes', draft.votes.invalid_votes, (d, v) => (d.votes.invalid_votes = v))}
      {number(say('result_cast'), 'votes.votes_cast', draft.votes.votes_cast, (d, v) => (d.votes.votes_cast = v))}
      {number(say('result_more'), 'more_ballots_counted', draft.more_ballots_counted, (d, v) => (d.more_ballots_counted = v))}
      {number(say('result_fewer'), 'fewer_ballots_counted', draft.fewer_ballots_counted, (d, v) => (d.fewer_ballots_counted = v))}
      <TextInput label={say('result_explanation')} help={say('free_text_no_voters')} name="explanation" value={draft.explanation} onValue={(text) => edit((d) => (d.explanation = text))} multiline />
      <Issues issues={view.issues} />
      <BigButton label={say('result_submit')} enabled={!view.has_errors && !view.submitted} onClick={() => send({ kind: 'SubmitResult' })} />
    </Screen>
  );
}
