import { useState } from 'react';
import { createAppPassword, listAppPasswords, revokeAppPassword, type AppPassword } from '../../api/account.ts';
import { FormError } from '../../components/FormError.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { formatDateTime } from '../../i18n/format.ts';
import { FreshSecret } from './FreshSecret.tsx';
import { useRevocableSecrets } from './useRevocableSecrets.ts';

/** Passwords for mail clients and health software (SMTP, IMAP): one per program, revocable alone; the secret is shown once. */
export function AppPasswordsCard() {
  const { t, lang } = useI18n();
  const [label, setLabel] = useState('');
  const { items: passwords, busy, error, fresh, hideFresh, create, revoke } = useRevocableSecrets({
    list: listAppPasswords,
    make: () => createAppPassword(label.trim()),
    revoke: revokeAppPassword,
    insert: (list: AppPassword[], made) => [{ id: made.id, label: made.label, createdAt: made.createdAt, lastUsedAt: null }, ...list],
    revokedText: (password) => t('appPasswords.revoked', { label: password.label }),
    onMade: () => setLabel(''),
  });

  return (
    <section className="card" aria-labelledby="app-passwords-title">
      <h2 className="card-title" id="app-passwords-title">
        <Icon name="lock" size={18} />
        {t('appPasswords.title')}
      </h2>
      <p className="card-intro">{t('appPasswords.intro')}</p>
      {fresh ? <FreshSecret message={t('appPasswords.fresh', { label: fresh.label })} secret={fresh.secret} secretLabel={t('appPasswords.secretLabel')} onDone={hideFresh} /> : null}
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
