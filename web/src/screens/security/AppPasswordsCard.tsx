import { useState, type FormEvent } from 'react';
import { createAppPassword, listAppPasswords, revokeAppPassword, type AppPassword } from '../../api/account.ts';
import { FormError } from '../../components/FormError.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useToaster } from '../../components/Toaster.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { formatDateTime } from '../../i18n/format.ts';
import { errorText } from '../../lib/errors.ts';
import { useAsync } from '../../lib/useAsync.ts';
import { FreshSecret } from './FreshSecret.tsx';

/** Passwords for mail clients and health software (SMTP, IMAP): one per program, revocable alone; the secret is shown once. */
export function AppPasswordsCard() {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { notify } = useToaster();
  const passwords = useAsync(() => listAppPasswords(), []);
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [fresh, setFresh] = useState<(AppPassword & { secret: string }) | null>(null);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    setBusy(true);
    try {
      const made = await createAppPassword(label.trim());
      setFresh(made);
      setLabel('');
      passwords.setData((list) => [{ id: made.id, label: made.label, createdAt: made.createdAt, lastUsedAt: null }, ...(list ?? [])]);
    } catch (reason) {
      setError(errorText(i18n, reason));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (password: AppPassword) => {
    try {
      await revokeAppPassword(password.id);
      passwords.setData((list) => list?.filter((item) => item.id !== password.id));
      if (fresh?.id === password.id) setFresh(null);
      notify(t('appPasswords.revoked', { label: password.label }), 'success');
    } catch (reason) {
      notify(errorText(i18n, reason), 'error');
    }
  };

  return (
    <section className="card" aria-labelledby="app-passwords-title">
      <h2 className="card-title" id="app-passwords-title">
        <Icon name="lock" size={18} />
        {t('appPasswords.title')}
      </h2>
      <p className="card-intro">{t('appPasswords.intro')}</p>
      {fresh ? <FreshSecret message={t('appPasswords.fresh', { label: fresh.label })} secret={fresh.secret} secretLabel={t('appPasswords.secretLabel')} onDone={() => setFresh(null)} /> : null}
      <form className="inline-form" onSubmit={create} noValidate>
        <div className="field">
          <label htmlFor="app-password-label">{t('appPasswords.label')}</label>
          <input id="app-password-label" type="text" maxLength={60} placeholder={t('appPasswords.placeholder')} value={label} onChange={(event) => setLabel(event.target.value)} />
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy || label.trim() === ''}>
          {t('appPasswords.create')}
        </button>
      </form>
      <FormError error={error} />
      {passwords.loading && !passwords.data ? (
        <Spinner label={t('common.loading')} />
      ) : passwords.data && passwords.data.length > 0 ? (
        <ul className="session-list" aria-label={t('appPasswords.title')}>
          {passwords.data.map((password) => (
            <li key={password.id} className="session">
              <Icon name="key" size={22} className="session-icon" />
              <div className="session-text">
                <p className="session-device">{password.label}</p>
                <p className="session-meta">
                  <span>{t('appPasswords.created', { date: formatDateTime(lang, password.createdAt) })}</span>
                  <span>{password.lastUsedAt === null ? t('appPasswords.neverUsed') : t('appPasswords.lastUsed', { date: formatDateTime(lang, password.lastUsedAt) })}</span>
                </p>
              </div>
              <button type="button" className="btn btn-small" aria-label={t('appPasswords.revokeNamed', { label: password.label })} onClick={() => void revoke(password)}>
                {t('sessions.revoke')}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('appPasswords.none')}</p>
      )}
    </section>
  );
}
