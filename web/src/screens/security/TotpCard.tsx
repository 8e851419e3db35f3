import { useState, type FormEvent } from 'react';
import { totpConfirm, totpDisable, totpSetup, totpStatus } from '../../api/auth.ts';
import { ApiError, isMissing } from '../../api/client.ts';
import type { TotpSetup } from '../../api/types.ts';
import { FormError } from '../../components/FormError.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useToaster } from '../../components/Toaster.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { errorText } from '../../lib/errors.ts';
import { useAsync } from '../../lib/useAsync.ts';

const grouped = (secret: string) => secret.replace(/\s+/g, '').replace(/(.{4})/g, '$1 ').trim();

/** Enrolling an authenticator app: password, then the secret to type in, then a first code. */
export function TotpCard() {
  const i18n = useI18n();
  const { t } = i18n;
  const { notify } = useToaster();
  const status = useAsync(() => totpStatus(), []);
  const [step, setStep] = useState<'idle' | 'password' | 'confirm' | 'disable'>('idle');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const reset = () => {
    setStep('idle');
    setPassword('');
    setCode('');
    setSetup(null);
    setError('');
  };

  const attempt = async (action: () => Promise<void>, wrong: 'password' | 'code') => {
    setBusy(true);
    setError('');
    try {
      await action();
    } catch (reason) {
      if (reason instanceof ApiError && (reason.status === 401 || reason.status === 400)) {
        // The server names what was wrong; otherwise it is what this step asked for.
        const blamed = /password/i.test(reason.message) ? 'password' : /code/i.test(reason.message) ? 'code' : wrong;
        setError(blamed === 'password' ? t('totp.wrongPassword') : t('totp.wrongCode'));
      } else setError(errorText(i18n, reason));
    } finally {
      setBusy(false);
    }
  };

  const start = (event: FormEvent) => {
    event.preventDefault();
    void attempt(async () => {
      setSetup(await totpSetup(password));
      setPassword('');
      setStep('confirm');
    }, 'password');
  };

  const confirm = (event: FormEvent) => {
    event.preventDefault();
    void attempt(async () => {
      await totpConfirm(code.replace(/\s+/g, ''));
      notify(t('totp.enabled'), 'success');
      reset();
      status.reload();
    }, 'code');
  };

  const disable = (event: FormEvent) => {
    event.preventDefault();
    void attempt(async () => {
      await totpDisable(password, code.replace(/\s+/g, ''));
      notify(t('totp.disabled'), 'success');
      reset();
      status.reload();
    }, 'code');
  };

  const copy = (value: string) => {
    navigator.clipboard?.writeText(value).then(
      () => notify(t('common.copied'), 'success'),
      () => {},
    );
  };

  const errorBox = (
    <FormError error={error} />
  );

  const enabled = status.data?.enabled ?? false;

  return (
    <section className="card" aria-labelledby="totp-title">
      <div className="card-title-row">
        <h2 className="card-title" id="totp-title">
          <Icon name="shield" size={18} />
          {t('totp.title')}
        </h2>
        {status.data ? (
          <span className={enabled ? 'badge badge-on' : 'badge badge-off'}>{enabled ? t('totp.on') : status.data.pending ? t('totp.pending') : t('totp.off')}</span>
        ) : null}
      </div>
      <p className="card-intro">{t('totp.intro')}</p>
      {status.loading && !status.data ? (
        <Spinner label={t('common.loading')} />
      ) : status.error ? (
        <p className="notice notice-info">{isMissing(status.error) ? t('totp.unavailable') : errorText(i18n, status.error)}</p>
      ) : step === 'idle' ? (
        <div>
          {enabled ? (
            <button type="button" className="btn" onClick={() => setStep('disable')}>
              {t('totp.disable')}
            </button>
          ) : (
            <button type="button" className="btn btn-primary" onClick={() => setStep('password')}>
              {t('totp.enable')}
            </button>
          )}
        </div>
      ) : step === 'password' ? (
        <form className="stack-form" onSubmit={start} noValidate>
          <div className="field">
            <label htmlFor="totp-password">{t('totp.password')}</label>
            <input id="totp-password" type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} autoFocus />
          </div>
          {errorBox}
          <div className="button-row">
            <button type="submit" className="btn btn-primary" disabled={busy || !password}>
              {t('totp.start')}
            </button>
            <button type="button" className="btn btn-quiet" onClick={reset}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : step === 'confirm' && setup ? (
        <form className="stack-form" onSubmit={confirm} noValidate>
          <p>{t('totp.step1')}</p>
          <div className="secret-box">
            <span className="secret-label" id="totp-secret-label">
              {t('totp.secret')}
            </span>
            <code className="secret" aria-labelledby="totp-secret-label">
              {grouped(setup.secret)}
            </code>
            <button type="button" className="btn btn-small" onClick={() => copy(setup.secret)}>
              <Icon name="copy" size={14} />
              {t('totp.copySecret')}
            </button>
          </div>
          <div className="field">
            <label htmlFor="totp-uri">{t('totp.uri')}</label>
            <div className="input-with-button">
              <input id="totp-uri" type="text" readOnly value={setup.uri} onFocus={(event) => event.target.select()} />
              <button type="button" className="btn btn-small" onClick={() => copy(setup.uri)}>
                <Icon name="copy" size={14} />
                {t('totp.copyUri')}
              </button>
            </div>
          </div>
          <p>{t('totp.step2')}</p>
          <div className="field field-short">
            <label htmlFor="totp-code">{t('totp.code')}</label>
            <input id="totp-code" className="code-input" type="text" inputMode="numeric" autoComplete="one-time-code" maxLength={7} value={code} onChange={(event) => setCode(event.target.value.replace(/[^\d\s]/g, ''))} />
          </div>
          {errorBox}
          <div className="button-row">
            <button type="submit" className="btn btn-primary" disabled={busy || code.replace(/\s+/g, '').length !== 6}>
              {t('totp.confirm')}
            </button>
            <button type="button" className="btn btn-quiet" onClick={reset}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <form className="stack-form" onSubmit={disable} noValidate>
          <p className="field-hint">{t('totp.disableHelp')}</p>
          <div className="field">
            <label htmlFor="totp-off-password">{t('totp.password')}</label>
            <input id="totp-off-password" type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} autoFocus />
          </div>
          <div className="field field-short">
            <label htmlFor="totp-off-code">{t('totp.code')}</label>
            <input id="totp-off-code" className="code-input" type="text" inputMode="numeric" autoComplete="one-time-code" maxLength={7} value={code} onChange={(event) => setCode(event.target.value.replace(/[^\d\s]/g, ''))} />
          </div>
          {errorBox}
          <div className="button-row">
            <button type="submit" className="btn btn-danger" disabled={busy || !password || code.replace(/\s+/g, '').length !== 6}>
              {t('totp.disable')}
            </button>
            <button type="button" className="btn btn-quiet" onClick={reset}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
