import { useState } from 'react';
import { savePreferences } from '../api/account.ts';
import { isMissing } from '../api/client.ts';
import type { Language, Preferences as Prefs } from '../api/types.ts';
import { Icon } from '../components/Icon.tsx';
import { translate, useI18n } from '../i18n/index.tsx';
import { errorText } from '../lib/errors.ts';
import { useMail } from '../lib/mailContext.tsx';
import { SettingsLayout } from './SettingsLayout.tsx';

/** Language (applies at once) and the content-free e-mail alert on new messages. */
export function Preferences() {
  const i18n = useI18n();
  const { t, lang, setLanguage } = i18n;
  const { me, updateMe } = useMail();
  const [status, setStatus] = useState<{ tone: 'ok' | 'error' | 'info'; text: string } | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  const [saving, setSaving] = useState(false);


  const save = async (next: Prefs) => {
    updateMe({ ...me, preferences: next });
    if (unavailable) return;
    setSaving(true);
    try {
      const saved = await savePreferences(next);
      updateMe({ ...me, preferences: saved });
      setStatus({ tone: 'ok', text: translate(saved.language, 'prefs.saved') });
    } catch (reason) {
      if (isMissing(reason)) {
        setUnavailable(true);
        setStatus({ tone: 'info', text: t('prefs.unavailable') });
      } else setStatus({ tone: 'error', text: errorText(i18n, reason) });
    } finally {
      setSaving(false);
    }
  };

  const chooseLanguage = (language: Language) => {
    setLanguage(language);
    void save({ ...me.preferences, language });
  };

  return (
    <SettingsLayout current="preferences" title={t('prefs.title')}>
      <p className={`settings-status status-${status?.tone ?? 'none'}`} role="status">
        {status ? (
          <>
            <Icon name={status.tone === 'ok' ? 'check' : status.tone === 'error' ? 'alert' : 'info'} size={16} />
            {status.text}
          </>
        ) : null}
      </p>

      <section className="card" aria-labelledby="prefs-language">
        <h2 className="card-title" id="prefs-language">
          <Icon name="globe" size={18} />
          {t('prefs.language')}
        </h2>
        <fieldset className="choice-group">
          <legend className="sr-only">{t('prefs.language')}</legend>
          {(['fr', 'en'] as const).map((language) => (
            <label key={language} className="choice" lang={language}>
              <input type="radio" name="language" value={language} checked={lang === language} onChange={() => chooseLanguage(language)} />
              <span>{t(`language.${language}`)}</span>
            </label>
          ))}
        </fieldset>
        <p className="field-hint">{t('prefs.languageHelp')}</p>
      </section>

      <section className="card" aria-labelledby="prefs-alerts">
        <h2 className="card-title" id="prefs-alerts">
          <Icon name="bell" size={18} />
          {t('prefs.alerts')}
        </h2>
        <label className="check">
          <input
            type="checkbox"
            checked={me.preferences.alertNewMessage}
            disabled={saving || unavailable}
            aria-describedby="alert-help"
            onChange={(event) => void save({ ...me.preferences, language: lang, alertNewMessage: event.target.checked })}
          />
          <span>{t('prefs.alert')}</span>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={me.preferences.alertTracking}
            disabled={saving || unavailable}
            aria-describedby="alert-help"
            onChange={(event) => void save({ ...me.preferences, language: lang, alertTracking: event.target.checked })}
          />
          <span>{t('prefs.alertTracking')}</span>
        </label>
        <p className="field-hint" id="alert-help">
          {me.notifyEmail ? t('prefs.alertHelp', { email: me.notifyEmail }) : t('prefs.alertHelpNoEmail')}
        </p>
      </section>

      <section className="card" aria-labelledby="prefs-account">
        <h2 className="card-title" id="prefs-account">
          <Icon name="user" size={18} />
          {t('prefs.account')}
        </h2>
        <dl className="facts">
          <div>
            <dt>{t('prefs.name')}</dt>
            <dd>{me.displayName}</dd>
          </div>
          <div>
            <dt>{t('prefs.identifier')}</dt>
            <dd>{me.userId}</dd>
          </div>
        </dl>
      </section>
    </SettingsLayout>
  );
}
