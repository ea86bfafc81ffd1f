// When no municipality is known (an administrator bound to none, or /public without a
// code), the user chooses one: the pages never fall back to a municipality of their own.
import { useState, type FormEvent } from 'react';
import { municipalityCode } from '../api/client';
import { useI18n } from '../i18n';

export function ChooseMunicipality({ intro, onChoose }: { intro: string; onChoose: (code: string) => void }) {
  const { t } = useI18n();
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const code = municipalityCode(typed);
    if (!code) setError(t('badMunicipalityCode', { code: typed.trim() }));
    else onChoose(code);
  };
  return (
    <section className="card" aria-labelledby="choose-municipality" data-testid="choose-municipality">
      <h1 id="choose-municipality">{t('chooseTitle')}</h1>
      <p role="alert" className="notice">
        {intro}
      </p>
      <form onSubmit={submit}>
        <label>
          {t('municipalityCode')}
          <input value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} required />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit">{t('show')}</button>
      </form>
    </section>
  );
}
