import { useState } from 'react';
import { issueAccessToken, listAccessTokens, revokeAccessToken, type AccessToken } from '../../api/account.ts';
import { FormError } from '../../components/FormError.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { formatDateTime } from '../../i18n/format.ts';
import { FreshSecret } from './FreshSecret.tsx';
import { useRevocableSecrets } from './useRevocableSecrets.ts';

const LIFETIMES_HOURS = [1, 8, 24] as const;

/** Bearer tokens for SASL XOAUTH2 / OAUTHBEARER: short-lived, revocable, shown once. */
export function AccessTokensCard() {
  const { t, lang } = useI18n();
  const [label, setLabel] = useState('');
  const [hours, setHours] = useState<number>(1);
  const { items: tokens, busy, error, fresh, hideFresh, create, revoke } = useRevocableSecrets({
    list: listAccessTokens,
    make: () => issueAccessToken(label.trim(), hours * 3600),
    revoke: revokeAccessToken,
    insert: (list: AccessToken[], made) => [...list, { id: made.id, label: made.label, createdAt: made.createdAt, expiresAt: made.expiresAt }],
    revokedText: (token) => t('accessTokens.revoked', { label: token.label }),
    onMade: () => setLabel(''),
  });

  return (
    <section className="card" aria-labelledby="access-tokens-title">
      <h2 className="card-title" id="access-tokens-title">
        <Icon name="key" size={18} />
        {t('accessTokens.title')}
      </h2>
      <p className="card-intro">{t('accessTokens.intro')}</p>
      {fresh ? (
        <FreshSecret
          message={t('accessTokens.fresh', { label: fresh.label, date: formatDateTime(lang, fresh.expiresAt) })}
          secret={fresh.token}
          secretLabel={t('accessTokens.secretLabel')}
          onDone={hideFresh}
        />
      ) : null}
      <form className="inline-form" onSubmit={create} noValidate>
        <div className="field">
          <label htmlFor="access-token-label">{t('accessTokens.label')}</label>
          <input id="access-token-label" type="text" maxLength={60} placeholder={t('accessTokens.placeholder')} value={label} onChange={(event) => setLabel(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="access-token-lifetime">{t('accessTokens.lifetime')}</label>
          <select id="access-token-lifetime" value={hours} onChange={(event) => setHours(Number(event.target.value))}>
            {LIFETIMES_HOURS.map((count) => (
              <option key={count} value={count}>
                {t('accessTokens.hours', { count })}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy || label.trim() === ''}>
          {t('accessTokens.create')}
        </button>
      </form>
      <FormError error={error} />
      {tokens.loading && !tokens.data ? (
        <Spinner label={t('common.loading')} />
      ) : tokens.data && tokens.data.length > 0 ? (
        <ul className="session-list" aria-label={t('accessTokens.title')}>
          {tokens.data.map((token) => (
            <li key={token.id} className="session">
              <Icon name="key" size={22} className="session-icon" />
              <div className="session-text">
                <p className="session-device">{token.label}</p>
                <p className="session-meta">
                  <span>{t('appPasswords.created', { date: formatDateTime(lang, token.createdAt) })}</span>
                  <span>{t('accessTokens.expires', { date: formatDateTime(lang, token.expiresAt) })}</span>
                </p>
              </div>
              <button type="button" className="btn btn-small" aria-label={t('accessTokens.revokeNamed', { label: token.label })} onClick={() => void revoke(token)}>
                {t('sessions.revoke')}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('accessTokens.none')}</p>
      )}
    </section>
  );
}
