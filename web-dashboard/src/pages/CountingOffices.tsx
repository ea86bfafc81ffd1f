// The main office's counting offices (telbureaus; Flanders, paper voting): every staff
// role sees the offices, their stations with subareas, who holds each and whether it is
// locked or its result in; the main office's chair (an administrator) links offices
// and locks them; the control room's roles claim an office and enter its result,
// checked by the server's rules before it is stored. Who may do what is the API's
// (src/access.ts, mayCall); the server refuses the rest and the page shows its message.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, call, getJson, loadSession, postJson } from '../api/client';
import type { CountingOfficesView, CountingOfficeView, OfficeStation, ResultCheck, ResultsReport } from '../api/types';
import { mayCall } from '../access';
import {
  DIFFERENCE_FIELDS,
  EXPLANATION,
  FIELD_LABELS,
  VOTER_FIELDS,
  VOTE_FIELDS,
  WIDE,
  buildResult,
  draftKey,
  emptyFigures,
  figuresOf,
  issuesByField,
  listField,
  nextOfficeNumber,
  officeState,
  readDraft,
  type FieldIssue,
  type Figures,
} from '../countingOffices';
import { useDraft } from '../drafts';
import { formatTime } from '../format';
import { useI18n } from '../i18n';
import { ListNamesContext, listNames, useListLabel } from '../lists';
import { Boundary, ErrorMessage, num, useLoad } from '../util';

const REFRESH_MS = 5_000;

function base(code: string): string {
  return `/api/municipalities/${encodeURIComponent(code)}/counting-offices`;
}

function message(e: unknown): string {
  return e instanceof ApiError ? e.message : String((e as Error)?.message ?? e);
}

async function putJson<T>(path: string, body: unknown): Promise<T> {
  return (await (await call(path, { method: 'PUT', body: JSON.stringify(body) })).json()) as T;
}

const hhmm = (ms: number) => formatTime(ms, undefined, false);

function stationLine(s: OfficeStation, t: ReturnType<typeof useI18n>['t']): string {
  return `${t('officeStation', { number: s.number, name: s.name })}${s.subarea ? ` (${t('officeSubarea', { subarea: s.subarea })})` : ''}`;
}

/** Announces what an action did (polite), or shows what the server refused. */
interface Outcome {
  done: (text: string) => void;
  failed: (text: string) => void;
  reload: () => void;
}

/** A question that says what the action does, with the action and a way back. */
function Confirm({ question, confirm, onConfirm, onCancel }: { question: string; confirm: string; onConfirm: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  // Focus on the question, not on the action: a stray Enter confirms nothing.
  const asked = useRef<HTMLParagraphElement>(null);
  useEffect(() => asked.current?.focus(), []);
  return (
    <div className="confirm" data-testid="confirm">
      <p role="alert" ref={asked} tabIndex={-1}>
        {question}
      </p>
      <div className="row">
        <button type="button" onClick={onConfirm}>
          {confirm}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </div>
  );
}

function FigureInput({ field, label, value, issues, onChange, multiline }: { field: string; label: string; value: string; issues: FieldIssue[]; onChange: (v: string) => void; multiline?: boolean }) {
  const { t } = useI18n();
  const id = `f-${field.replace(/[^a-z0-9]/gi, '-')}`;
  const error = issues.some((i) => i.level === 'error');
  const described = issues.length > 0 ? `${id}-issues` : undefined;
  return (
    <div className={`field${error ? ' field-error' : issues.length ? ' field-warning' : ''}`} data-field={field}>
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error || undefined} aria-describedby={described} />
      ) : (
        <input id={id} inputMode="numeric" autoComplete="off" value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error || undefined} aria-describedby={described} />
      )}
      {described && (
        <ul id={described} className="field-issues">
          {issues.map((i) => (
            <li key={i.code} className={`issue-${i.level}`}>
              {i.level === 'warning' && i.spread > WIDE ? t('issueSeeBelow') : i.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The result form of an office the user holds: one field per figure of the official
 * form, checked by the server's rules; errors block, warnings are confirmed explicitly
 * before the result is stored; then the office is released. What is typed is kept in
 * session storage (src/drafts.ts) until it is stored, so an expired session loses none;
 * it belongs to this hold of the office and the result it started from, so figures
 * typed before someone took the office over (and maybe corrected it) never come back.
 */
function EntryForm({ office, code, lists, outcome }: { office: CountingOfficeView; code: string; lists: number[]; outcome: Outcome }) {
  const { t } = useI18n();
  const label = useListLabel();
  const [draft, setDraft, clearDraft] = useDraft(draftKey(code, office));
  const [figures, setFigures] = useState<Figures>(
    () => readDraft(draft, lists) ?? (office.result ? figuresOf(office.result, lists) : emptyFigures(lists)),
  );
  const [local, setLocal] = useState<string[]>([]);
  const [check, setCheck] = useState<{ answer: ResultCheck; figures: string } | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [summary, setSummary] = useState('');
  const [error, setError] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const path = `${base(code)}/${office.number}`;
  const current = JSON.stringify(figures);
  const fresh = check !== null && check.figures === current;

  const edit = (field: string, value: string) => {
    const next = { ...figures, [field]: value };
    setFigures(next);
    setDraft(JSON.stringify(next));
  };

  const marks = check ? issuesByField(check.answer, lists) : { fields: new Map<string, FieldIssue[]>(), general: [] };
  const issuesOf = (field: string): FieldIssue[] => [
    ...(local.includes(field) ? [{ level: 'error' as const, code: 'local', message: t('notAFigure'), spread: 1 }] : []),
    ...(marks.fields.get(field) ?? []),
  ];

  const focusFirstInvalid = () =>
    setTimeout(() => form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);

  const runCheck = async (): Promise<ResultCheck | null> => {
    setError(null);
    const built = buildResult(figures, lists);
    if (built.result === null) {
      setLocal(built.invalid);
      setCheck(null);
      setSummary(t('checkLocal', { n: built.invalid.length }));
      focusFirstInvalid();
      return null;
    }
    setLocal([]);
    setBusy(true);
    setSummary(t('checking'));
    try {
      const answer = await postJson<ResultCheck>(`${path}/result/check`, { result: built.result });
      setCheck({ answer, figures: current });
      setConfirmed(false);
      setSummary(
        answer.errors.length > 0
          ? t('checkErrors', { errors: answer.errors.length, warnings: answer.warnings.length })
          : answer.warnings.length > 0
            ? t('checkWarnings', { warnings: answer.warnings.length })
            : t('checkClean'),
      );
      if (answer.errors.length > 0) focusFirstInvalid();
      return answer;
    } catch (e) {
      setSummary('');
      setError(message(e));
      if (e instanceof ApiError) outcome.reload();
      return null;
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void runCheck();
  };

  const store = async () => {
    const built = buildResult(figures, lists);
    if (!built.result || !check || !fresh) return;
    setBusy(true);
    setError(null);
    try {
      // Only the warnings the user saw and confirmed: one that appeared since is refused.
      // The duplicate warning for the offices it named, no other entered since.
      const confirmedWarnings = confirmed ? check.answer.warnings.map((w) => w.code) : [];
      const confirmedSameAs = confirmed ? check.answer.same_as_offices : [];
      await putJson(`${path}/result`, { result: built.result, confirmed_warnings: confirmedWarnings, confirmed_same_as_offices: confirmedSameAs });
      clearDraft();
      try {
        await postJson(`${path}/release`, {});
      } catch {
        // Stored all the same; the office shows as still held and can be released.
      }
      outcome.done(t('storeDone', { number: office.number }));
      outcome.reload();
    } catch (e) {
      setError(message(e));
      if (e instanceof ApiError && (e.code === 'result_invalid' || e.code === 'warnings_unconfirmed')) void runCheck();
      else outcome.reload();
    } finally {
      setBusy(false);
    }
  };

  const release = async () => {
    setError(null);
    try {
      await postJson(`${path}/release`, {});
      clearDraft();
      outcome.done(t('releaseDone', { number: office.number }));
      outcome.reload();
    } catch (e) {
      setError(message(e));
    }
  };

  const hasErrors = (check?.answer.errors.length ?? 0) > 0;
  const warnings = check?.answer.warnings.length ?? 0;
  const mayStore = fresh && !hasErrors && (warnings === 0 || confirmed) && !busy;
  const titleId = `entry-${office.number}`;
  const figure = (field: string) => (
    <FigureInput key={field} field={field} label={t(FIELD_LABELS[field])} value={figures[field] ?? ''} issues={issuesOf(field)} onChange={(v) => edit(field, v)} />
  );

  return (
    <form ref={form} className="entry" aria-labelledby={titleId} onSubmit={submit} noValidate data-testid="entry-form">
      <h3 id={titleId}>{t('entryTitle', { number: office.number })}</h3>
      <p className="muted">{t('draftKept')}</p>
      <fieldset>
        <legend>{t('entryVoters')}</legend>
        <div className="figures">{VOTER_FIELDS.map(figure)}</div>
      </fieldset>
      <fieldset>
        <legend>{t('entryLists')}</legend>
        <div className="figures">
          {lists.map((l) => (
            <FigureInput key={l} field={listField(l)} label={label(l)} value={figures[listField(l)] ?? ''} issues={issuesOf(listField(l))} onChange={(v) => edit(listField(l), v)} />
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('entryVotes')}</legend>
        <div className="figures">{VOTE_FIELDS.map(figure)}</div>
      </fieldset>
      <fieldset>
        <legend>{t('entryDifference')}</legend>
        <div className="figures">{DIFFERENCE_FIELDS.map(figure)}</div>
        <FigureInput field={EXPLANATION} label={t(FIELD_LABELS[EXPLANATION])} value={figures[EXPLANATION] ?? ''} issues={issuesOf(EXPLANATION)} onChange={(v) => edit(EXPLANATION, v)} multiline />
      </fieldset>
      <p role="status" aria-live="polite" data-testid="check-summary">
        {check && !fresh ? t('checkStale') : summary}
      </p>
      {check && marks.general.length > 0 && (
        <section aria-labelledby={`${titleId}-issues`} className="issues" data-testid="check-issues">
          <h4 id={`${titleId}-issues`}>{t('issuesTitle')}</h4>
          <ul>
            {marks.general.map((i) => (
              <li key={`${i.level}-${i.code}`} className={`issue-${i.level}`} data-code={i.code}>
                <strong>{t(i.level === 'error' ? 'issueError' : 'issueWarning')}:</strong> {i.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      {fresh && !hasErrors && warnings > 0 && (
        <label className="inline confirm-warnings">
          <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> {t('confirmWarnings')}
        </label>
      )}
      <div className="row">
        <button type="submit" disabled={busy}>
          {t('checkButton')}
        </button>
        <button type="button" disabled={!mayStore} onClick={() => void store()}>
          {t('storeButton', { number: office.number })}
        </button>
        <button type="button" className="secondary" onClick={() => void release()}>
          {t('releaseButton', { number: office.number })}
        </button>
      </div>
      {error && <ErrorMessage error={error} />}
    </form>
  );
}

/** One office: its stations, its state, and what the user's role may do with it. */
function OfficeCard({ office, code, lists, outcome }: { office: CountingOfficeView; code: string; lists: number[]; outcome: Outcome }) {
  const { t } = useI18n();
  const role = loadSession()?.role ?? 'viewer';
  const label = useListLabel();
  const [asking, setAsking] = useState<'take_over' | 'lock' | 'unlock' | 'unlink' | null>(null);
  const path = `${base(code)}/${office.number}`;
  const mayEnter = mayCall('POST /api/municipalities/{code}/counting-offices/{number}/claim', role) && mayCall('PUT /api/municipalities/{code}/counting-offices/{number}/result', role);
  const mayLock = mayCall('POST /api/municipalities/{code}/counting-offices/{number}/lock', role);
  // An office linked by mistake can go while nothing was counted in it.
  const mayUnlink = mayCall('POST /api/municipalities/{code}/counting-offices/{number}/unlink', role) && !office.lock && !office.complete;
  const n = office.number;
  const holder = office.claim?.username ?? '';
  const enteredAt = office.entered_at ?? null;
  // What the open question showed: the take-over names that holder, the lock that
  // result. Should either change while the question is open (the list reads again
  // every 5 s), the question closes and says so: nothing is done unseen.
  const [seen, setSeen] = useState<{ holder: string; enteredAt: number | null }>({ holder, enteredAt });
  const ask = (what: 'take_over' | 'lock' | 'unlock' | 'unlink') => {
    setSeen({ holder, enteredAt });
    setAsking(what);
  };
  useEffect(() => {
    const changed = (asking === 'take_over' && holder !== seen.holder) || (asking === 'lock' && enteredAt !== seen.enteredAt);
    if (changed) {
      setAsking(null);
      outcome.failed(t('changedWhileAsking', { number: n }));
    }
  }, [asking, holder, enteredAt, seen, n, outcome, t]);

  const act = async (send: () => Promise<unknown>, done: string) => {
    setAsking(null);
    try {
      await send();
      outcome.done(done);
    } catch (e) {
      outcome.failed(message(e));
    }
    outcome.reload();
  };
  // A take-over names the holder the question named: if the office changed hands
  // meanwhile, the server takes nothing over and says who holds it now.
  const claim = (takeOver: boolean) =>
    act(
      () => postJson(`${path}/claim`, takeOver ? { take_over: true, expected_holder: seen.holder } : { take_over: false }),
      t(takeOver ? 'takeOverDone' : 'claimDone', { number: n }),
    );

  const state = officeState(office, hhmm);
  const titleId = `office-${n}`;
  const holding = !office.lock && office.claim?.yours;
  return (
    <section className={`card office${holding ? ' office-entry' : ''}`} aria-labelledby={titleId} data-office={n} data-state={state.map((s) => s.kind).join(' ')}>
      <h2 id={titleId}>{office.name === `Telbureau ${n}` ? office.name : t('officeTitle', { number: n, name: office.name })}</h2>
      <p className="office-state" data-testid="office-state">
        {office.lock && <span aria-hidden="true">🔒 </span>}
        {state.map((s) => t(s.key, s.vars)).join('; ')}
      </p>
      <h3>{t('officeStations')}</h3>
      <ul className="office-stations">
        {office.stations.map((s) => (
          <li key={s.id}>{stationLine(s, t)}</li>
        ))}
      </ul>
      {office.assigned_voters != null && <p className="muted">{t('officeAssigned', { n: num(office.assigned_voters) })}</p>}
      {office.published && office.result && (
        <details>
          <summary>{t('officeResultVotes', { n: num(office.result.votes.votes_cast) })}</summary>
          <ul>
            {office.result.votes.list_votes.map((l) => (
              <li key={l.list_number}>
                {label(l.list_number)}: {num(l.votes)}
              </li>
            ))}
          </ul>
        </details>
      )}
      {office.lock && mayEnter && <p className="notice">{t('officeLockedNoEntry')}</p>}
      {!office.lock && mayEnter && !office.claim && (
        <button type="button" onClick={() => void claim(false)}>
          {t('claimButton', { number: n })}
        </button>
      )}
      {!office.lock && mayEnter && office.claim && !office.claim.yours && asking !== 'take_over' && (
        <button type="button" onClick={() => ask('take_over')}>
          {t('takeOver')}
        </button>
      )}
      {asking === 'take_over' && office.claim && (
        <Confirm
          question={t('takeOverQuestion', { name: holder, number: n, time: hhmm(office.claim.since) })}
          confirm={t('takeOverConfirm', { number: n, name: holder })}
          onConfirm={() => void claim(true)}
          onCancel={() => setAsking(null)}
        />
      )}
      {holding && (
        <Boundary scope="part">
          <EntryForm key={draftKey(code, office)} office={office} code={code} lists={lists} outcome={outcome} />
        </Boundary>
      )}
      {mayLock && asking !== 'lock' && asking !== 'unlock' && asking !== 'unlink' && (
        <div className="row">
          <button type="button" className="secondary" onClick={() => ask(office.lock ? 'unlock' : 'lock')}>
            {t(office.lock ? 'unlockButton' : 'lockButton', { number: n })}
          </button>
          {mayUnlink && (
            <button type="button" className="secondary" onClick={() => ask('unlink')}>
              {t('unlinkButton', { number: n })}
            </button>
          )}
        </div>
      )}
      {asking === 'unlink' && (
        <Confirm
          question={t('unlinkQuestion', { number: n, stations: office.stations.map((s) => s.number).join(', ') })}
          confirm={t('unlinkConfirm', { number: n })}
          onConfirm={() => void act(() => postJson(`${path}/unlink`, {}), t('unlinkDone', { number: n }))}
          onCancel={() => setAsking(null)}
        />
      )}
      {asking === 'lock' && (
        <Confirm
          question={`${t('lockQuestion', { number: n })} ${
            office.entered_at != null && office.result && office.published
              ? t('lockWhat', { time: hhmm(office.entered_at), votes: num(office.result.votes.votes_cast) })
              : t('lockNothing')
          }`}
          confirm={t('lockConfirm', { number: n })}
          onConfirm={() =>
            // Locks the result shown: one entered since is not locked unseen.
            void act(() => postJson(`${path}/lock`, { expected_entered_at: seen.enteredAt }), t('lockDone', { number: n }))
          }
          onCancel={() => setAsking(null)}
        />
      )}
      {asking === 'unlock' && (
        <Confirm
          question={t('unlockQuestion', { number: n })}
          confirm={t('unlockConfirm', { number: n })}
          onConfirm={() => void act(() => postJson(`${path}/unlock`, {}), t('unlockDone', { number: n }))}
          onCancel={() => setAsking(null)}
        />
      )}
    </section>
  );
}

/** The chair links an office to stations no other office counts for (or relinks one). */
function LinkForm({ data, code, outcome }: { data: CountingOfficesView; code: string; outcome: Outcome }) {
  const { t } = useI18n();
  const [number, setNumber] = useState(String(nextOfficeNumber(data.offices)));
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [refusal, setRefusal] = useState<string | null>(null);
  const existing = data.offices.find((o) => String(o.number) === number.trim());
  // The stations no office counts for, and those of the office being relinked.
  const options = [...(existing?.stations ?? []), ...data.unlinked_stations].sort((a, b) => a.number - b.number);
  const changeNumber = (value: string) => {
    setNumber(value);
    setChosen(data.offices.find((o) => String(o.number) === value.trim())?.stations.map((s) => s.id) ?? []);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setRefusal(null);
    if (chosen.length === 0) {
      setRefusal(t('linkChooseStations'));
      return;
    }
    const picked = options.filter((s) => chosen.includes(s.id));
    try {
      await putJson(`${base(code)}/${encodeURIComponent(number.trim())}`, { station_ids: picked.map((s) => s.id), ...(name.trim() ? { name: name.trim() } : {}) });
      outcome.done(t('linkDone', { number: number.trim(), stations: picked.map((s) => s.number).join(', ') }));
      setChosen([]);
      setName('');
      setNumber(String(Math.max(nextOfficeNumber(data.offices), Number(number) + 1 || 1)));
      outcome.reload();
    } catch (err) {
      setRefusal(message(err));
    }
  };
  return (
    <section className="card" aria-labelledby="link-title">
      <h2 id="link-title">{t('linkTitle')}</h2>
      {Date.now() < data.linking_opens_at && <p className="notice">{t('linkOpensAt', { time: `${new Date(data.linking_opens_at).toLocaleDateString()} ${hhmm(data.linking_opens_at)}` })}</p>}
      <form onSubmit={submit} noValidate>
        <div className="row">
          <label>
            {t('linkNumber')}
            <input inputMode="numeric" value={number} onChange={(e) => changeNumber(e.target.value)} size={6} />
          </label>
          <label>
            {t('linkName')}
            <input value={name} onChange={(e) => setName(e.target.value)} />
          </label>
        </div>
        <fieldset>
          <legend>{t('linkStations')}</legend>
          {options.length === 0 && <p>{t('linkNoStations')}</p>}
          {options.map((s) => (
            <label className="inline" key={s.id}>
              <input
                type="checkbox"
                checked={chosen.includes(s.id)}
                onChange={(e) => setChosen(e.target.checked ? [...chosen, s.id] : chosen.filter((id) => id !== s.id))}
              />{' '}
              {stationLine(s, t)}
            </label>
          ))}
        </fieldset>
        <button type="submit">{t('linkSubmit', { number: number.trim() || '?' })}</button>
        {refusal && <ErrorMessage error={refusal} />}
      </form>
    </section>
  );
}

export function CountingOffices() {
  const { t } = useI18n();
  const session = loadSession();
  const code = session?.municipality ?? '';
  const role = session?.role ?? 'viewer';
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const { data, error, reload } = useLoad(() => getJson<CountingOfficesView>(base(code)), [code, tick]);
  // The lists' names are in the results report (src/lists.ts); the page works without.
  const names = useLoad(() => getJson<ResultsReport>(`/api/municipalities/${encodeURIComponent(code)}/results`), [code]);
  const [status, setStatus] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const outcome: Outcome = {
    done: (text) => {
      setFailure(null);
      setStatus(text);
    },
    failed: (text) => {
      setStatus('');
      setFailure(text);
    },
    reload,
  };
  if (error && !data) return <ErrorMessage error={error} retry={reload} />;
  if (!data || (!names.data && !names.error)) return <p role="status">{t('loading')}</p>;
  const lists = (names.data?.lists ?? []).map((l) => l.number).sort((a, b) => a - b);
  const mayLink = mayCall('PUT /api/municipalities/{code}/counting-offices/{number}', role);
  return (
    <ListNamesContext.Provider value={listNames(names.data)}>
      <h1>{t('officesTitle')}</h1>
      <p className="muted">{t('officesIntro')}</p>
      <p role="status" aria-live="polite" data-testid="offices-status">
        {status}
      </p>
      {failure && <ErrorMessage error={failure} />}
      {error && <ErrorMessage error={error} retry={reload} />}
      {data.offices.length === 0 && <p>{t('officesNone')}</p>}
      <div className="offices">
        {data.offices.map((o) => (
          <Boundary key={o.number} scope="part">
            <OfficeCard office={o} code={code} lists={lists} outcome={outcome} />
          </Boundary>
        ))}
      </div>
      <section className="card" aria-labelledby="unlinked-title" data-testid="unlinked">
        <h2 id="unlinked-title">{t('unlinkedTitle')}</h2>
        {data.unlinked_stations.length === 0 ? (
          <p>{t('unlinkedNone')}</p>
        ) : (
          <ul>
            {data.unlinked_stations.map((s) => (
              <li key={s.id} data-station={s.id}>
                {stationLine(s, t)}
              </li>
            ))}
          </ul>
        )}
      </section>
      {mayLink && <LinkForm data={data} code={code} outcome={outcome} />}
    </ListNamesContext.Provider>
  );
}
