// The main office's counting offices (telbureaus; Flanders, paper voting): what an
// office's state reads as, the result form's figures turned into the API's
// ProvisionalResult, and the shared rules' issues (by the API's field names) put on the
// form's fields. Pure: the page (pages/CountingOffices.tsx) renders and sends.
import type { CountingOfficeView, ProvisionalResult, ResultCheck, RuleIssue } from './api/types';
import type { Key } from './i18n';

/** The form's figures by field; the keys are the API's field names, a list's is `list:N`. */
export type Figures = Record<string, string>;

/** A: poll cards .. D: admitted voters, as the official form orders them. */
export const VOTER_FIELDS = ['voters.poll_cards', 'voters.proxy_certificates', 'voters.voter_cards', 'voters.admitted_voters'] as const;
/** E: votes for candidates .. H: votes cast. */
export const VOTE_FIELDS = ['votes.votes_for_candidates', 'votes.blank_votes', 'votes.invalid_votes', 'votes.votes_cast'] as const;
/** I and J: more and fewer ballots counted than voters admitted; blank is 0. */
export const DIFFERENCE_FIELDS = ['more_ballots_counted', 'fewer_ballots_counted'] as const;
export const EXPLANATION = 'explanation';

/** The label of each figure of the form, by field. */
export const FIELD_LABELS: Record<string, Key> = {
  'voters.poll_cards': 'resultPollCards',
  'voters.proxy_certificates': 'resultProxies',
  'voters.voter_cards': 'resultVoterCards',
  'voters.admitted_voters': 'resultAdmitted',
  'votes.votes_for_candidates': 'resultCandidates',
  'votes.blank_votes': 'resultBlank',
  'votes.invalid_votes': 'resultInvalid',
  'votes.votes_cast': 'resultCast',
  more_ballots_counted: 'resultMore',
  fewer_ballots_counted: 'resultFewer',
  explanation: 'resultExplanation',
};

/** The largest figure the API takes (an int32). */
const MAX = 2_147_483_647;

export function listField(list: number): string {
  return `list:${list}`;
}

/** The lists' numbers in the order the form shows them and the result carries them. */
function ordered(lists: readonly number[]): number[] {
  return [...new Set(lists)].sort((a, b) => a - b);
}

/** An empty form for `lists`. */
export function emptyFigures(lists: readonly number[]): Figures {
  const figures: Figures = { [EXPLANATION]: '' };
  for (const f of [...VOTER_FIELDS, ...VOTE_FIELDS, ...DIFFERENCE_FIELDS]) figures[f] = '';
  for (const l of ordered(lists)) figures[listField(l)] = '';
  return figures;
}

/** The form filled with a result already entered (to correct it). */
export function figuresOf(result: ProvisionalResult, lists: readonly number[]): Figures {
  const figures = emptyFigures(lists);
  for (const f of VOTER_FIELDS) figures[f] = String(result.voters[f.slice('voters.'.length) as keyof ProvisionalResult['voters']]);
  for (const f of VOTE_FIELDS) figures[f] = String(result.votes[f.slice('votes.'.length) as Exclude<keyof ProvisionalResult['votes'], 'list_votes'>]);
  figures.more_ballots_counted = String(result.more_ballots_counted);
  figures.fewer_ballots_counted = String(result.fewer_ballots_counted);
  figures[EXPLANATION] = result.explanation;
  for (const l of result.votes.list_votes) figures[listField(l.list_number)] = String(l.votes);
  return figures;
}

/** A typed figure: a whole number (spaces ignored), or null. I and J may stay blank (0). */
export function parseFigure(text: string | undefined, blankIsZero = false): number | null {
  const plain = (text ?? '').replace(/\s/g, '');
  if (plain === '') return blankIsZero ? 0 : null;
  if (!/^\d{1,10}$/.test(plain)) return null;
  const n = Number(plain);
  return n <= MAX ? n : null;
}

export type Built = { result: ProvisionalResult; invalid: [] } | { result: null; invalid: string[] };

/**
 * The request's result from the form: every figure a whole number (I and J blank are
 * 0), one total per list in the lists' order. Otherwise the fields that are not.
 */
export function buildResult(figures: Figures, lists: readonly number[]): Built {
  const invalid: string[] = [];
  const get = (field: string, blankIsZero = false) => {
    const n = parseFigure(figures[field], blankIsZero);
    if (n === null) invalid.push(field);
    return n ?? 0;
  };
  const voters = {
    poll_cards: get('voters.poll_cards'),
    proxy_certificates: get('voters.proxy_certificates'),
    voter_cards: get('voters.voter_cards'),
    admitted_voters: get('voters.admitted_voters'),
  };
  const list_votes = ordered(lists).map((list_number) => ({ list_number, votes: get(listField(list_number)) }));
  const votes = {
    list_votes,
    votes_for_candidates: get('votes.votes_for_candidates'),
    blank_votes: get('votes.blank_votes'),
    invalid_votes: get('votes.invalid_votes'),
    votes_cast: get('votes.votes_cast'),
  };
  const more_ballots_counted = get('more_ballots_counted', true);
  const fewer_ballots_counted = get('fewer_ballots_counted', true);
  if (invalid.length > 0) return { result: null, invalid };
  return {
    result: { voters, votes, more_ballots_counted, fewer_ballots_counted, explanation: (figures[EXPLANATION] ?? '').trim() },
    invalid: [],
  };
}

export interface FieldIssue {
  level: 'error' | 'warning';
  code: string;
  message: string;
  /** On how many of the form's fields it is (a warning on many is told once, below). */
  spread: number;
}

/** A warning on more fields than this is told in the summary, not under each. */
export const WIDE = 3;

/**
 * The check's issues on the form's fields (the API names fields as `votes.blank_votes`,
 * `votes.list_votes` for every list, `votes.list_votes[i].votes` for the i-th total
 * sent, which is the i-th list in the lists' order); `general` holds every issue once,
 * errors first, for the summary.
 */
export function issuesByField(check: ResultCheck, lists: readonly number[]): { fields: Map<string, FieldIssue[]>; general: FieldIssue[] } {
  const order = ordered(lists);
  const known = new Set<string>([...VOTER_FIELDS, ...VOTE_FIELDS, ...DIFFERENCE_FIELDS, EXPLANATION]);
  const fields = new Map<string, FieldIssue[]>();
  const general: FieldIssue[] = [];
  const put = (field: string, issue: FieldIssue) => {
    const list = fields.get(field) ?? [];
    if (!list.some((i) => i.code === issue.code)) list.push(issue);
    fields.set(field, list);
  };
  const add = (issue: RuleIssue, level: FieldIssue['level']) => {
    const on = new Set<string>();
    for (const field of issue.fields) {
      const indexed = /^votes\.list_votes\[(\d+)\]/.exec(field);
      if (known.has(field)) on.add(field);
      else if (field === 'votes.list_votes') order.forEach((l) => on.add(listField(l)));
      else if (indexed && order[Number(indexed[1])] !== undefined) on.add(listField(order[Number(indexed[1])]));
    }
    const found: FieldIssue = { level, code: issue.code, message: issue.message, spread: on.size };
    general.push(found);
    on.forEach((field) => put(field, found));
  };
  check.errors.forEach((i) => add(i, 'error'));
  check.warnings.forEach((i) => add(i, 'warning'));
  return { fields, general };
}

/** One part of an office's state, as the page words it. */
export interface StatePart {
  key: Key;
  vars?: Record<string, string | number>;
  /** The kind, for the page's data attribute and colour. */
  kind: 'free' | 'held' | 'yours' | 'locked' | 'complete' | 'empty';
}

/**
 * What an office's state reads as: locked (by whom, when), or who holds it (by name to
 * the control room, "someone" to the others), or free; and whether its result is in.
 * `time` writes a moment.
 */
export function officeState(office: CountingOfficeView, time: (ms: number) => string): StatePart[] {
  const parts: StatePart[] = [];
  if (office.lock) {
    parts.push(
      office.lock.by
        ? { key: 'officeLockedBy', vars: { name: office.lock.by, time: time(office.lock.at) }, kind: 'locked' }
        : { key: 'officeLocked', vars: { time: time(office.lock.at) }, kind: 'locked' },
    );
  } else if (office.claim) {
    const since = time(office.claim.since);
    if (office.claim.yours) parts.push({ key: 'officeHeldByYou', vars: { time: since }, kind: 'yours' });
    else if (office.claim.username) parts.push({ key: 'officeHeldBy', vars: { name: office.claim.username, time: since }, kind: 'held' });
    else parts.push({ key: 'officeHeld', vars: { time: since }, kind: 'held' });
  } else {
    parts.push({ key: 'officeFree', kind: 'free' });
  }
  if (office.complete) {
    parts.push(
      office.confirmed_warnings.length > 0
        ? { key: 'officeCompleteWarnings', vars: { time: office.entered_at ? time(office.entered_at) : '–' }, kind: 'complete' }
        : { key: 'officeComplete', vars: { time: office.entered_at ? time(office.entered_at) : '–' }, kind: 'complete' },
    );
  } else {
    parts.push({ key: 'officeNoResult', kind: 'empty' });
  }
  return parts;
}

/** The number a new office gets: one more than the highest. */
export function nextOfficeNumber(offices: readonly Pick<CountingOfficeView, 'number'>[]): number {
  return offices.reduce((n, o) => Math.max(n, o.number), 0) + 1;
}

/** A saved draft of the form, or null when there is none or it does not read. */
export function readDraft(text: string, lists: readonly number[]): Figures | null {
  if (!text) return null;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object') return null;
    const figures = emptyFigures(lists);
    for (const key of Object.keys(figures)) {
      const value = (parsed as Record<string, unknown>)[key];
      if (typeof value === 'string') figures[key] = value;
    }
    return figures;
  } catch {
    return null;
  }
}

/**
 * The key of an office's draft: the office, the claim it is typed under and the result
 * it started from, so that figures typed before someone took the office over (and
 * maybe corrected it) never come back into the form.
 */
export function draftKey(code: string, office: Pick<CountingOfficeView, 'number' | 'claim' | 'entered_at'>): string {
  return `counting-office.${code}.${office.number}.${office.claim?.since ?? 'free'}.${office.entered_at ?? 'none'}`;
}
