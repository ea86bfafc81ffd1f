// A convoked person's own page (no sign-in): their personal code, from the link's
// fragment (#code=…, which the browser never sends to a server) or typed from the
// letter, shows where and when they are expected; they accept, or decline with a
// reason. The code goes to the server only in request bodies.
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, postPublic } from '../api/client';
import type { ConvocationView } from '../api/types';
import { useI18n, type Key } from '../i18n';

function codeFromFragment(): string {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  return fragment.get('code') ?? '';
}

export function Answer() {
  const { t } = useI18n();
  const [code, setCode] = useState(codeFromFragment);
  const [view, setView] = useState<ConvocationView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [declining, setDeclining] = useState(false);
  const [offering, setOffering] = useState(false);
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [thanks, setThanks] = useState<Key | null>(null);

  const failed = (e: unknown) =>
    setError(e instanceof ApiError && e.status === 401 ? t('answerInvalid') : String((e as Error).message ?? e));

  const show = async (given: string) => {
    setBusy(true);
    setError(null);
    try {
      setView(await postPublic<ConvocationView>('/api/convocation', { code: given.trim() }));
    } catch (e) {
      setView(null);
      failed(e);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    // The code is read once from the link; the fragment is then cleared from the
    // address bar, so it is not left on screen or in a screenshot.
    const initial = codeFromFragment();
    if (initial) {
      history.replaceState(null, '', window.location.pathname);
      void show(initial);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const send = async (body: Record<string, string>, done: Key) => {
    setBusy(true);
    setError(null);
    try {
      setView(await postPublic<ConvocationView>('/api/convocation/answer', { code: code.trim(), ...body }));
      setThanks(done);
      setDeclining(false);
      setOffering(false);
    } catch (e) {
      failed(e);
    } finally {
      setBusy(false);
    }
  };

  const onShow = (e: FormEvent) => {
    e.preventDefault();
    void show(code);
  };
  const onDecline = (e: FormEvent) => {
    e.preventDefault();
    void send({ answer: 'decline', reason }, 'answerThanksDecline');
  };
  const onOffer = (e: FormEvent) => {
    e.preventDefault();
    void send({ answer: 'availability', note }, 'answerThanksAvailability');
  };

  return (
    <section aria-labelledby="answer-title" className="answer">
      <h1 id="answer-title">{t('answerTitle')}</h1>
      {!view && (
        <form onSubmit={onShow}>
          <p>{t('answerIntro')}</p>
          <label htmlFor="answer-code">{t('answerCode')}</label>
          <input id="answer-code" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} required maxLength={64} />
          <button type="submit" disabled={busy || !code.trim()}>{t('answerShow')}</button>
        </form>
      )}
      {error && <p role="alert" className="error">{error}</p>}
      {view && (
        <div data-testid="convocation">
          <p>{t('answerHello', { name: view.name })}</p>
          <p>
            {t('answerWhere', {
              role: t(`role_${view.role}` as Key),
              election: view.election,
              date: view.date,
              number: view.station_number,
              station: view.station_name,
              location: view.location,
              opens: view.opens,
              closes: view.closes,
            })}
          </p>
          {view.training_url && (
            <p>
              <a href={view.training_url} rel="noopener noreferrer" target="_blank">
                {t('answerTraining')} ({t('newTab')})
              </a>
            </p>
          )}
          {view.may_refuse && <p>{t('answerMayRefuse', { n: view.services })}</p>}
          <p role="status">{t('answerStatus', { status: t(`convocation_${view.status}` as Key) })}</p>
          {thanks && <p className="ok">{t(thanks)}</p>}
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void send({ answer: 'accept' }, 'answerThanksAccept')}>
              {t('answerAccept')}
            </button>
            <button type="button" disabled={busy} aria-expanded={declining} aria-controls="answer-decline" onClick={() => { setDeclining(!declining); setOffering(false); }}>
              {t('answerDecline')}
            </button>
            <button type="button" disabled={busy} aria-expanded={offering} aria-controls="answer-offer" onClick={() => { setOffering(!offering); setDeclining(false); }}>
              {t('answerAvailability')}
            </button>
          </div>
          {offering && (
            <form id="answer-offer" onSubmit={onOffer}>
              <label htmlFor="answer-note">{t('answerAvailabilityNote')}</label>
              <textarea id="answer-note" value={note} onChange={(e) => setNote(e.target.value)} required maxLength={500} rows={3} />
              <button type="submit" disabled={busy || !note.trim()}>{t('answerSendAvailability')}</button>
            </form>
          )}
          {declining && (
            <form id="answer-decline" onSubmit={onDecline}>
              <label htmlFor="answer-reason">{view.may_refuse ? t('answerReasonOptional') : t('answerReason')}</label>
              <textarea id="answer-reason" value={reason} onChange={(e) => setReason(e.target.value)} required={!view.may_refuse} maxLength={500} rows={3} />
              <button type="submit" disabled={busy || (!view.may_refuse && !reason.trim())}>{t('answerSendDecline')}</button>
            </form>
          )}
        </div>
      )}
    </section>
  );
}
