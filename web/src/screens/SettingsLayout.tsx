import type { ReactNode } from 'react';
import { Icon } from '../components/Icon.tsx';
import { useI18n } from '../i18n/index.tsx';
import { useMail } from '../lib/mailContext.tsx';
import { hrefOf, linkClick, type Route } from '../lib/router.ts';
import '../styles/pages.css';

/** Préférences and Sécurité share a page frame with tabs back and forth. */
export function SettingsLayout({ current, title, children }: { current: 'preferences' | 'security'; title: string; children: ReactNode }) {
  const { t } = useI18n();
  const { defaultMailboxId } = useMail();
  const back: Route = { name: 'mail', ...(defaultMailboxId ? { mailboxId: defaultMailboxId, folder: 'INBOX' } : {}) };
  const tabs: { route: Route; label: string; key: 'preferences' | 'security' }[] = [
    { route: { name: 'preferences' }, label: t('user.preferences'), key: 'preferences' },
    { route: { name: 'security' }, label: t('user.security'), key: 'security' },
  ];
  return (
    <div className="page">
      <div className="page-inner">
        <a className="back-link" href={hrefOf(back)} onClick={linkClick(back)}>
          <Icon name="back" size={16} />
          {t('settings.back')}
        </a>
        <nav className="settings-tabs" aria-label={t('prefs.account')}>
          {tabs.map((tab) => (
            <a key={tab.key} href={hrefOf(tab.route)} className="settings-tab" aria-current={current === tab.key ? 'page' : undefined} onClick={linkClick(tab.route)}>
              <Icon name={tab.key === 'preferences' ? 'settings' : 'shield'} size={16} />
              {tab.label}
            </a>
          ))}
        </nav>
        <h1 className="page-title">{title}</h1>
        {children}
      </div>
    </div>
  );
}
