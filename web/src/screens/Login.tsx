import { useEffect, useRef, useState, type FormEvent } from 'react';
import { login, verify } from '../api/auth.ts';
import { ApiError, setCsrfToken } from '../api/client.ts';
import type { LoginChallenge } from '../api/types.ts';
import { FormError } from '../components/FormError.tsx';
import { BrandMark, Icon } from '../components/Icon.tsx';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { useI18n } from '../i18n/index.tsx';
import { errorText } from '../lib/errors.ts';
import '../styles/login.css';

type Props = { expired: boolean; onLoggedIn(options: { languageChosen: boolean }): void };

/** Password, then the one-time code (e-mailed or from an authenticator app). */
export function Login({ expired, onLoggedIn }: Props) {
  const i18n = useI18n();
  const { t, tn } = i18n;
  const [identifier, setIdentifier] = useState('');
  const [password, setPassword] = useState('');
  const [showPassword, setShowPassword] = useState(false);
  const [challenge, setChallenge] = useState<LoginChallenge | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>(expired ? t('login.expired') : '');
  const [info, setInfo] = useState('');
  const languageChosen = useRef(false);
  const codeRef = useRef<HTMLInputElement>(null);
  const identifierRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = `${t('login.title')} · ${t('app.name')}`;
  }, [t]);

  useEffect(() => {
    if (challenge) codeRef.current?.focus();
  }, [challenge]);

  const loginError = (reason: unknown): string => {
    if (reason instanceof ApiError) {
      if (reason.status === 401) return t('login.wrong');
      if (reason.status === 429) {
        const minutes = reason.retryAfterSeconds ? Math.max(1, Math.ceil(reason.retryAfterSeconds / 60)) : Number(/(\d+) minute/.exec(reason.message)?.[1] ?? 1);
        return t('login.locked', { minutes });
      }
      if (reason.status === 400 && /e-mail/.test(reason.message)) return t('login.noEmail');
    }
    return errorText(i18n, reason);
  };

  const submitPassword = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!identifier.trim() || !password) {
      setError(t('login.required'));
      return;
    }
    setBusy(true);
    setError('');
    setInfo('');
    try {
      const started = await login(identifier.trim(), password);
      setChallenge(started);
      setCode('');
    } catch (reason) {
      setError(loginError(reason));
    } finally {
      setBusy(false);
    }
  };

  const backToStart = (message: string) => {
    setChallenge(null);
    setCode('');
    setPassword('');
    setError(message);
    setInfo('');
    window.setTimeout(() => identifierRef.current?.focus(), 0);
  };

  const submitCode = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || !challenge) return;
    const digits = code.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(digits)) {
      setError(t('code.format'));
      codeRef.current?.focus();
      return;
    }
    setBusy(true);
    setError('');
    setInfo('');
    try {
      const verified = await verify(challenge.challengeId, digits);
      setCsrfToken(verified.csrfToken);
      setPassword('');
      onLoggedIn({ languageChosen: languageChosen.current });
    } catch (reason) {
      if (reason instanceof ApiError && reason.status === 401) {
        const left = /(\d+) tr(?:y|ies) left/.exec(reason.message);
        if (left) {
          setError(tn('code.wrong', Number(left[1])));
          setCode('');
          codeRef.current?.focus();
        } else if (/too many/.test(reason.message)) backToStart(t('code.tooMany'));
        else if (/no longer valid/.test(reason.message)) backToStart(t('code.expired'));
        else {
          setError(t('code.wrongPlain'));
          codeRef.current?.focus();
        }
      } else if (reason instanceof ApiError && reason.status === 429) {
        backToStart(loginError(reason));
      } else setError(errorText(i18n, reason));
    } finally {
      setBusy(false);
    }
  };

  const resend = async () => {
    if (busy) return;
    setBusy(true);
    setError('');
    try {
      setChallenge(await login(identifier.trim(), password));
      setCode('');
      setInfo(t('code.resent'));
      codeRef.current?.focus();
    } catch (reason) {
      setError(loginError(reason));
    } finally {
      setBusy(false);
    }
  };

  const totp = challenge?.method === 'totp';

  return (
    <div className="login-page">
      <aside className="login-brand" aria-label={t('app.name')}>
        <div className="login-brand-inner">
          <div className="login-logo">
            <BrandMark size={44} />
            <div>
              <p className="login-logo-name">{t('app.name')}</p>
              <p className="login-logo-tagline">{t('app.tagline')}</p>
            </div>
          </div>
          <ul className="login-trust">
            <li>
              <Icon name="lock" />
              <span>{t('login.trust1')}</span>
            </li>
            <li>
              <Icon name="checks" />
              <span>{t('login.trust2')}</span>
            </li>
            <li>
              <Icon name="shield" />
              <span>{t('login.trust3')}</span>
            </li>
          </ul>
        </div>
      </aside>
      <main className="login-main" id="main">
        <div className="login-top">
          <LanguageSwitch
            onChange={() => {
              languageChosen.current = true;
            }}
          />
        </div>
        <div className="login-card">
          {!challenge ? (
            <form onSubmit={submitPassword} noValidate aria-labelledby="login-title">
              <h1 id="login-title" className="login-title">
                {t('login.title')}
              </h1>
              <p className="login-subtitle">{t('login.subtitle')}</p>
              <div className="field">
                <label htmlFor="login-identifier">{t('login.identifier')}</label>
                <input
                  ref={identifierRef}
                  id="login-identifier"
                  name="username"
                  type="text"
                  autoComplete="username"
                  autoCapitalize="none"
                  spellCheck={false}
                  autoFocus
                  required
                  value={identifier}
                  onChange={(event) => setIdentifier(event.target.value)}
                  aria-invalid={error && !identifier ? true : undefined}
                />
              </div>
              <div className="field">
                <label htmlFor="login-password">{t('login.password')}</label>
                <div className="input-with-button">
                  <input
                    id="login-password"
                    name="password"
                    type={showPassword ? 'text' : 'password'}
                    autoComplete="current-password"
                    required
                    value={password}
                    onChange={(event) => setPassword(event.target.value)}
                  />
                  <button
                    type="button"
                    className="icon-btn"
                    aria-label={showPassword ? t('login.hidePassword') : t('login.showPassword')}
                    aria-pressed={showPassword}
                    onClick={() => setShowPassword((value) => !value)}
                  >
                    <Icon name="eye" />
                  </button>
                </div>
              </div>
              <FormError error={error} />
              <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
                {busy ? t('login.submitting') : t('login.submit')}
              </button>
            </form>
          ) : (
            <form onSubmit={submitCode} noValidate aria-labelledby="code-title">
              <h1 id="code-title" className="login-title">
                {t('code.title')}
              </h1>
              <p className="login-subtitle" id="code-explain">
                {totp ? t('code.totp') : t('code.sentTo', { address: challenge.sentTo })}
              </p>
              <div className="field">
                <label htmlFor="login-code">{t('code.label')}</label>
                <input
                  ref={codeRef}
                  id="login-code"
                  name="one-time-code"
                  className="code-input"
                  type="text"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  pattern="[0-9]{6}"
                  maxLength={7}
                  required
                  aria-describedby="code-explain code-hint"
                  value={code}
                  onChange={(event) => setCode(event.target.value.replace(/[^\d\s]/g, ''))}
                />
                <p className="field-hint" id="code-hint">
                  {totp ? '' : t('code.hint')}
                </p>
              </div>
              <FormError error={error} />
              <p className="form-info" role="status">
                {info}
              </p>
              <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
                {busy ? t('code.submitting') : t('code.submit')}
              </button>
              <div className="login-links">
                <button type="button" className="btn-link" onClick={() => backToStart('')}>
                  {t('code.back')}
                </button>
                {!totp ? (
                  <button type="button" className="btn-link" onClick={resend} disabled={busy}>
                    {t('code.resend')}
                  </button>
                ) : null}
              </div>
            </form>
          )}
        </div>
        <p className="login-footer">{t('login.footer')}</p>
      </main>
    </div>
  );
}
