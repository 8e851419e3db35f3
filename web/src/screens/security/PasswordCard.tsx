import { useState, type FormEvent } from 'react';
import { changePassword } from '../../api/auth.ts';
import { ApiError } from '../../api/client.ts';
import { FormError } from '../../components/FormError.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useToaster } from '../../components/Toaster.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { errorText } from '../../lib/errors.ts';
import { useMail } from '../../lib/mailContext.tsx';

const MIN_LENGTH = 12;

export function PasswordCard() {
  const i18n = useI18n();
  const { t } = i18n;
  const { notify } = useToaster();
  const { me } = useMail();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    if (next.length < MIN_LENGTH) {
      setError(t('password.short'));
      return;
    }
    if (next !== confirm) {
      setError(t('password.mismatch'));
      return;
    }
    setBusy(true);
    try {
      await changePassword(current, next);
      setCurrent('');
      setNext('');
      setConfirm('');
      notify(t('password.changed'), 'success');
    } catch (reason) {
      if (reason instanceof ApiError && reason.status === 401) setError(t('password.wrong'));
      else if (reason instanceof ApiError && reason.status === 400) setError(t('password.refused', { message: reason.message }));
      else setError(errorText(i18n, reason));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="password-title">
      <h2 className="card-title" id="password-title">
        <Icon name="key" size={18} />
        {t('password.title')}
      </h2>
      <form className="stack-form" onSubmit={submit} noValidate>
        <input type="text" name="username" autoComplete="username" hidden readOnly value={me.userId} />
        <div className="field">
          <label htmlFor="password-current">{t('password.current')}</label>
          <input id="password-current" type="password" autoComplete="current-password" value={current} onChange={(event) => setCurrent(event.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="password-next">{t('password.next')}</label>
          <input id="password-next" type="password" autoComplete="new-password" minLength={MIN_LENGTH} aria-describedby="password-hint" value={next} onChange={(event) => setNext(event.target.value)} required />
          <p className="field-hint" id="password-hint">
            {t('password.hint')}
          </p>
        </div>
        <div className="field">
          <label htmlFor="password-confirm">{t('password.confirm')}</label>
          <input id="password-confirm" type="password" autoComplete="new-password" value={confirm} onChange={(event) => setConfirm(event.target.value)} required />
        </div>
        <FormError error={error} />
        <div>
          <button type="submit" className="btn btn-primary" disabled={busy || !current || !next}>
            {t('password.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
