import { useState } from 'react';
import { listSessions, revokeSession } from '../../api/auth.ts';
import type { SessionInfo } from '../../api/types.ts';
import { Icon } from '../../components/Icon.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useToaster } from '../../components/Toaster.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { formatDateTime } from '../../i18n/format.ts';
import { errorText } from '../../lib/errors.ts';
import { useMail } from '../../lib/mailContext.tsx';
import { useAsync } from '../../lib/useAsync.ts';
import { describeUserAgent } from '../../lib/userAgent.ts';

export function SessionsCard() {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { logout } = useMail();
  const { notify } = useToaster();
  const sessions = useAsync(() => listSessions(), []);
  const [busy, setBusy] = useState<string | null>(null);

  const device = (session: SessionInfo) => {
    const { browser, os } = describeUserAgent(session.userAgent);
    if (browser && os) return t('sessions.on', { browser, os });
    return browser ?? os ?? t('sessions.unknownDevice');
  };

  const revoke = async (session: SessionInfo) => {
    if (session.current) {
      logout();
      return;
    }
    setBusy(session.id);
    try {
      await revokeSession(session.id);
      sessions.setData((list) => list?.filter((item) => item.id !== session.id));
      notify(t('sessions.revoked'), 'success');
    } catch (reason) {
      notify(errorText(i18n, reason), 'error');
    } finally {
      setBusy(null);
    }
  };

  const list = [...(sessions.data ?? [])].sort((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt - a.lastSeenAt);

  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 className="card-title" id="sessions-title">
        <Icon name="monitor" size={18} />
        {t('sessions.title')}
      </h2>
      <p className="card-intro">{t('sessions.intro')}</p>
      {sessions.loading && !sessions.data ? (
        <Spinner label={t('common.loading')} />
      ) : sessions.error ? (
        <p className="notice notice-error" role="alert">
          {errorText(i18n, sessions.error)}
        </p>
      ) : (
        <ul className="session-list">
          {list.map((session) => (
            <li key={session.id} className="session">
              <Icon name="monitor" size={22} className="session-icon" />
              <div className="session-text">
                <p className="session-device">
                  {device(session)}
                  {session.current ? <span className="badge badge-current">{t('sessions.current')}</span> : null}
                </p>
                <p className="session-meta">
                  {session.source ? (
                    <span>
                      {t('sessions.source')} {session.source}
                    </span>
                  ) : null}
                  <span>
                    {t('sessions.created')} {formatDateTime(lang, session.createdAt)}
                  </span>
                  <span>
                    {t('sessions.lastSeen')} {formatDateTime(lang, session.lastSeenAt)}
                  </span>
                </p>
              </div>
              <button
                type="button"
                className="btn btn-small"
                disabled={busy === session.id}
                aria-label={session.current ? t('user.logout') : t('sessions.revokeNamed', { device: `${device(session)}, ${formatDateTime(lang, session.lastSeenAt)}` })}
                onClick={() => void revoke(session)}
              >
                {session.current ? t('user.logout') : t('sessions.revoke')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
