import { describe, expect, it } from 'vitest';
import type { CountingOfficeView } from '../src/api/types';
import { mayCall, mayOpen } from '../src/access';
import {
  buildResult,
  draftKey,
  emptyFigures,
  figuresOf,
  issuesByField,
  listField,
  nextOfficeNumber,
  officeState,
  parseFigure,
  readDraft,
} from '../src/countingOffices';
import { translate } from '../src/i18n';

const LISTS = [2, 1, 3, 4];

/** Office 1's figures as typed: 1,000 ballots, lists 500/200/200/90, 6 blank, 4 invalid. */
function typed() {
  const f = emptyFigures(LISTS);
  Object.assign(f, {
    'voters.poll_cards': '1000',
    'voters.proxy_certificates': '0',
    'voters.voter_cards': '0',
    'voters.admitted_voters': '1 000',
    [listField(1)]: '500',
    [listField(2)]: '200',
    [listField(3)]: '200',
    [listField(4)]: '90',
    'votes.votes_for_candidates': '990',
    'votes.blank_votes': '6',
    'votes.invalid_votes': '4',
    'votes.votes_cast': '1000',
    explanation: '  ',
  });
  return f;
}

function office(over: Partial<CountingOfficeView> = {}): CountingOfficeView {
  return {
    number: 1,
    name: 'Telbureau 1',
    stations: [],
    assigned_voters: 1200,
    claim: null,
    lock: null,
    complete: false,
    entered_at: null,
    confirmed_warnings: [],
    same_as_offices: [],
    published: false,
    result: null,
    ...over,
  };
}

describe('the counting-office result form', () => {
  it('builds the API result: every figure, lists in their order, I and J blank are 0', () => {
    const built = buildResult(typed(), LISTS);
    expect(built.invalid).toEqual([]);
    expect(built.result).toEqual({
      voters: { poll_cards: 1000, proxy_certificates: 0, voter_cards: 0, admitted_voters: 1000 },
      votes: {
        list_votes: [
          { list_number: 1, votes: 500 },
          { list_number: 2, votes: 200 },
          { list_number: 3, votes: 200 },
          { list_number: 4, votes: 90 },
        ],
        votes_for_candidates: 990,
        blank_votes: 6,
        invalid_votes: 4,
        votes_cast: 1000,
      },
      more_ballots_counted: 0,
      fewer_ballots_counted: 0,
      explanation: '',
    });
  });

  it('refuses a figure that is not a whole number, naming the fields, and sends nothing', () => {
    const f = typed();
    f['votes.blank_votes'] = '';
    f[listField(3)] = '2,5';
    f['voters.voter_cards'] = '-1';
    const built = buildResult(f, LISTS);
    expect(built.result).toBeNull();
    expect(built.invalid.sort()).toEqual(['list:3', 'voters.voter_cards', 'votes.blank_votes']);
    expect(parseFigure('12 345')).toBe(12345);
    expect(parseFigure('1.000')).toBeNull();
    expect(parseFigure('99999999999')).toBeNull();
    expect(parseFigure('', true)).toBe(0);
  });

  it('fills the form from an entered result, and back to the same result', () => {
    const result = buildResult(typed(), LISTS).result!;
    expect(buildResult(figuresOf(result, LISTS), LISTS).result).toEqual(result);
  });

  it("puts the check's issues on the fields they name, list indexes by the lists' order", () => {
    const { fields, general } = issuesByField(
      {
        errors: [
          { code: 'RESULT_E02_LIST_TOTALS_SUM', fields: ['votes.list_votes', 'votes.votes_for_candidates'], message: 'E klopt niet' },
          { code: 'COUNT_E01_RANGE', fields: ['votes.list_votes[1].votes'], message: 'te groot' },
        ],
        warnings: [
          { code: 'COUNT_W01_SAME_AS_OFFICE', fields: ['votes.blank_votes', 'votes.list_votes'], message: 'Dubbele ingave van eenzelfde telbureau?' },
          { code: 'RESULT_W09_OTHER', fields: ['somewhere.else'], message: 'elders' },
        ],
        same_as_offices: [2],
      },
      LISTS,
    );
    expect(general.map((i) => [i.level, i.code])).toEqual([
      ['error', 'RESULT_E02_LIST_TOTALS_SUM'],
      ['error', 'COUNT_E01_RANGE'],
      ['warning', 'COUNT_W01_SAME_AS_OFFICE'],
      ['warning', 'RESULT_W09_OTHER'],
    ]);
    // The second total sent is list 2's (lists in order 1, 2, 3, 4).
    expect(fields.get('list:2')?.map((i) => i.code)).toEqual(['RESULT_E02_LIST_TOTALS_SUM', 'COUNT_E01_RANGE', 'COUNT_W01_SAME_AS_OFFICE']);
    expect(fields.get('list:1')?.map((i) => i.level)).toEqual(['error', 'warning']);
    expect(fields.get('votes.votes_for_candidates')?.[0].message).toBe('E klopt niet');
    expect(fields.get('votes.blank_votes')?.map((i) => i.level)).toEqual(['warning']);
    // The duplicate is on every list and F: told once, below, not under each.
    expect(fields.get('votes.blank_votes')?.[0].spread).toBe(5);
    expect(fields.get('votes.votes_for_candidates')?.[0].spread).toBe(5);
    expect(fields.has('somewhere.else')).toBe(false);
  });

  it('reads a kept draft, and ignores one that does not read', () => {
    const f = typed();
    expect(readDraft(JSON.stringify(f), LISTS)).toEqual(f);
    expect(readDraft('{"list:1": 7, "votes.blank_votes": "3"}', LISTS)?.['votes.blank_votes']).toBe('3');
    expect(readDraft('{', LISTS)).toBeNull();
    expect(readDraft('', LISTS)).toBeNull();
  });
});

describe("an office's state", () => {
  const at = (ms: number) => `t${ms}`;
  const words = (o: CountingOfficeView) => officeState(o, at).map((p) => translate('nl', p.key, p.vars)).join('; ');

  it('free, held by whom and since when, yours, locked, and the result in', () => {
    expect(words(office())).toBe('Vrij; nog geen uitslag');
    expect(words(office({ claim: { username: 'hoofdbureau', since: 5, yours: false } }))).toBe('In gebruik door hoofdbureau sinds t5; nog geen uitslag');
    // Managers and viewers are not told by whom.
    expect(words(office({ claim: { username: null, since: 5, yours: false } }))).toBe('In gebruik sinds t5; nog geen uitslag');
    expect(words(office({ claim: { username: 'telbureau', since: 5, yours: true } }))).toBe('U voert dit telbureau in (sinds t5); nog geen uitslag');
    expect(words(office({ lock: { by: 'hoofdbureau', at: 9 }, complete: true, entered_at: 7 }))).toBe('Vergrendeld door hoofdbureau om t9; uitslag ingevoerd om t7, volledig');
    expect(words(office({ complete: true, entered_at: 7, confirmed_warnings: ['COUNT_W01_SAME_AS_OFFICE'] }))).toBe('Vrij; uitslag ingevoerd om t7, volledig, met bevestigde waarschuwingen');
    expect(officeState(office({ lock: { by: null, at: 9 }, claim: { username: 'x', since: 1, yours: false } }), at)[0].kind).toBe('locked');
  });

  it('a new office is numbered after the highest', () => {
    expect(nextOfficeNumber([])).toBe(1);
    expect(nextOfficeNumber([{ number: 1 }, { number: 4 }])).toBe(5);
  });
});

describe('the counting offices page follows the API', () => {
  it('every staff role opens it; linking and locking for the chair, entering for the control room', () => {
    for (const role of ['administrator', 'coordinator', 'manager', 'viewer'] as const) expect(mayOpen('/telbureaus', role), role).toBe(true);
    const link = 'PUT /api/municipalities/{code}/counting-offices/{number}' as const;
    const lock = 'POST /api/municipalities/{code}/counting-offices/{number}/lock' as const;
    const claim = 'POST /api/municipalities/{code}/counting-offices/{number}/claim' as const;
    expect(['administrator', 'coordinator', 'manager', 'viewer'].filter((r) => mayCall(link, r as never))).toEqual(['administrator']);
    expect(['administrator', 'coordinator', 'manager', 'viewer'].filter((r) => mayCall(lock, r as never))).toEqual(['administrator']);
    expect(['administrator', 'coordinator', 'manager', 'viewer'].filter((r) => mayCall(claim, r as never))).toEqual(['administrator', 'coordinator']);
  });
});

describe('the take-over question', () => {
  it('names the holder wherever the text does', () => {
    expect(translate('nl', 'takeOverQuestion', { name: 'hoofdbureau', number: 2, time: '04:17' })).toBe(
      'hoofdbureau voert telbureau 2 in sinds 04:17. Als u het overneemt, kan hoofdbureau niets meer opslaan. Overnemen van hoofdbureau?',
    );
  });
});

describe('draftKey', () => {
  it('belongs to one hold of the office and the result it started from', () => {
    const held = { number: 2, claim: { since: 1_000, username: 'jan', yours: true }, entered_at: null };
    const key = draftKey('46021', held);
    expect(draftKey('46021', { ...held })).toBe(key);
    // Taken over and back: another hold, another draft.
    expect(draftKey('46021', { ...held, claim: { ...held.claim, since: 2_000 } })).not.toBe(key);
    // Corrected meanwhile: the draft typed on the old result is not offered.
    expect(draftKey('46021', { ...held, entered_at: 1_500 })).not.toBe(key);
    expect(draftKey('46021', { ...held, number: 3 })).not.toBe(key);
  });
});
