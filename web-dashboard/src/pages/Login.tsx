import { useState, type FormEvent } from 'react';
import { ApiError, login } from '../api/client';
import { useI18n } from '../i18n';

export function Login() {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const expired = sessionStorage.getItem('kiesdag.expired') === '1';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
      sessionStorage.removeItem('kiesdag.expired');
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('wrongCredentials') : `${t('errorTitle')}: ${String((err as Error).message ?? err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="login card">
      <h1>{t('loginTitle')}</h1>
      {expired && (
        <p role="status" className="notice">
          {t('sessionExpired')}
        </p>
      )}
      <form onSubmit={submit}>
        <label>
          {t('username')}
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          {t('password')}
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t('signingIn') : t('signIn')}
        </button>
      </form>
    </section>
  );
}
