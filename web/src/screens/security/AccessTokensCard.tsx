import { useState, type FormEvent } from 'react';
import { issueAccessToken, listAccessTokens, revokeAccessToken, type AccessToken } from '../../api/account.ts';
import { FormError } from '../../components/FormError.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useToaster } from '../../components/Toaster.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { formatDateTime } from '../../i18n/format.ts';
import { errorText } from '../../lib/errors.ts';
import { useAsync } from '../../lib/useAsync.ts';
import { FreshSecret } from './FreshSecret.tsx';

const LIFETIMES_HOURS = [1, 8, 24] as const;

/** Bearer tokens for SASL XOAUTH2 / OAUTHBEARER: short-lived, revocable, shown once. */
export function AccessTokensCard() {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { notify } = useToaster();
  const tokens = useAsync(() => listAccessTokens(), []);
  const [label, setLabel] = useState('');
  const [hours, setHours] = useState<number>(1);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [fresh, setFresh] = useState<(AccessToken & { token: string }) | null>(null);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    setBusy(true);
    try {
      const made = await issueAccessToken(label.trim(), hours * 3600);
      setFresh(made);
      setLabel('');
      tokens.setData((list) => [...(list ?? []), { id: made.id, label: made.label, createdAt: made.createdAt, expiresAt: made.expiresAt }]);
    } catch (reason) {
      setError(errorText(i18n, reason));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (token: AccessToken) => {
    try {
      await revokeAccessToken(token.id);
      tokens.setData((list) => list?.filter((item) => item.id !== token.id));
      if (fresh?.id === token.id) setFresh(null);
      notify(t('accessTokens.revoked', { label: token.label }), 'success');
    } catch (reason) {
      notify(errorText(i18n, reason), 'error');
    }
  };

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
          onDone={() => setFresh(null)}
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
