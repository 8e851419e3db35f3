import { useCallback, useEffect, useState } from 'react';
import { fetchMe, savePreferences } from './api/account.ts';
import { ApiError, getCsrfToken, isMissing, onUnauthorized, setCsrfToken } from './api/client.ts';
import { probeMailboxes } from './api/mail.ts';
import type { Me } from './api/types.ts';
import { BrandMark } from './components/Icon.tsx';
import { Spinner } from './components/Spinner.tsx';
import { useI18n } from './i18n/index.tsx';
import { errorText } from './lib/errors.ts';
import { Login } from './screens/Login.tsx';
import { Shell } from './screens/Shell.tsx';

type SessionState = { status: 'loading' } | { status: 'anonymous'; expired: boolean } | { status: 'failed'; error: unknown } | { status: 'ready'; me: Me };

/** Knows whether someone is logged in (GET /me), and shows the login screen or the mail. */
export function App() {
  const i18n = useI18n();
  const { t, setLanguage, lang } = i18n;
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const bootstrap = useCallback(
    async (options: { languageChosen?: boolean } = {}) => {
      try {
        const me = await loadMe();
        setCsrfToken(me.csrfToken);
        if (options.languageChosen && me.preferences.language !== lang) {
          // The language picked on the login screen becomes the preference.
          const preferences = { ...me.preferences, language: lang };
          me.preferences = preferences;
          savePreferences(preferences).catch(() => {});
        } else {
          setLanguage(me.preferences.language);
        }
        setState({ status: 'ready', me });
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) setState({ status: 'anonymous', expired: false });
        else setState({ status: 'failed', error });
      }
    },
    [lang, setLanguage],
  );

  useEffect(() => {
    onUnauthorized(() => {
      setCsrfToken(null);
      setState((current) => (current.status === 'anonymous' ? current : { status: 'anonymous', expired: current.status === 'ready' }));
    });
    bootstrap();
    return () => onUnauthorized(null);
    // Once, at page load.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (state.status === 'loading') {
    return (
      <div className="splash">
        <BrandMark size={48} />
        <Spinner label={t('common.loading')} />
      </div>
    );
  }
  if (state.status === 'failed') {
    return (
      <main className="splash" id="main">
        <BrandMark size={48} />
        <p role="alert">{errorText(i18n, state.error)}</p>
        <button type="button" className="btn btn-primary" onClick={() => bootstrap()}>
          {t('common.retry')}
        </button>
      </main>
    );
  }
  if (state.status === 'anonymous') {
    return <Login expired={state.expired} onLoggedIn={(options) => bootstrap(options)} />;
  }
  return (
    <Shell
      me={state.me}
      onMeChange={(me) => setState({ status: 'ready', me })}
      onLoggedOut={() => {
        setCsrfToken(null);
        setState({ status: 'anonymous', expired: false });
      }}
    />
  );
}

/** GET /me; where the server has no /me yet, a readable mailbox list proves the session. */
async function loadMe(): Promise<Me> {
  try {
    return await fetchMe();
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  const mailboxes = await probeMailboxes();
  const own = mailboxes.find((mailbox) => mailbox.kind === 'PER') ?? mailboxes[0];
  return {
    userId: own?.address.split('@')[0] ?? '',
    displayName: own?.displayName ?? own?.address ?? '',
    notifyEmail: '',
    csrfToken: getCsrfToken() ?? '',
    preferences: { language: document.documentElement.lang === 'en' ? 'en' : 'fr', alertNewMessage: false, alertTracking: false },
  };
}
