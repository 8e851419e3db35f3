import { useEffect, useState, type FormEvent } from 'react';
import { Avatar } from '../components/Avatar.tsx';
import { BrandMark, Icon } from '../components/Icon.tsx';
import { MenuButton } from '../components/Menu.tsx';
import { useI18n } from '../i18n/index.tsx';
import { useMail } from '../lib/mailContext.tsx';
import { linkClick, navigate, useRoute } from '../lib/router.ts';

type Props = { currentMailboxId: string | null; drawerOpen: boolean; onToggleDrawer(): void };

export function Header({ currentMailboxId, drawerOpen, onToggleDrawer }: Props) {
  const { t } = useI18n();
  const { me, logout, defaultMailboxId } = useMail();
  const route = useRoute();
  const routeQuery = route.name === 'mail' ? (route.q ?? '') : '';
  const [query, setQuery] = useState(routeQuery);

  useEffect(() => setQuery(routeQuery), [routeQuery]);

  // A phone has room for one word of placeholder.
  const [narrow, setNarrow] = useState(() => window.matchMedia('(max-width: 640px)').matches);
  useEffect(() => {
    const media = window.matchMedia('(max-width: 640px)');
    const update = () => setNarrow(media.matches);
    media.addEventListener('change', update);
    return () => media.removeEventListener('change', update);
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const mailboxId = currentMailboxId ?? defaultMailboxId;
    if (!mailboxId) return;
    const q = query.trim();
    const folder = route.name === 'mail' ? (route.folder ?? 'INBOX') : 'INBOX';
    navigate(q ? { name: 'mail', mailboxId, folder, q } : { name: 'mail', mailboxId, folder });
  };

  const home = { name: 'mail' as const, ...(currentMailboxId ? { mailboxId: currentMailboxId, folder: 'INBOX' } : {}) };

  return (
    <header className="app-header">
      <button
        type="button"
        className="icon-btn header-menu"
        aria-label={drawerOpen ? t('header.closeMenu') : t('header.menu')}
        aria-expanded={drawerOpen}
        aria-controls="sidebar"
        onClick={onToggleDrawer}
      >
        <Icon name={drawerOpen ? 'close' : 'menu'} size={22} />
      </button>
      <a className="brand" href="/mail" onClick={linkClick(home)}>
        <BrandMark size={28} />
        <span className="brand-name">{t('app.name')}</span>
        <span className="brand-tagline">{t('app.tagline')}</span>
      </a>
      <form role="search" className="header-search" onSubmit={submit} aria-label={t('header.search')}>
        <label htmlFor="search-input" className="sr-only">
          {t('header.search')}
        </label>
        <Icon name="search" className="header-search-icon" />
        <input
          id="search-input"
          type="search"
          value={query}
          placeholder={narrow ? t('header.search') : t('header.searchPlaceholder')}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && query) {
              event.preventDefault();
              setQuery('');
            }
          }}
        />
      </form>
      <MenuButton
        className="user-menu"
        align="end"
        label={t('user.menu', { name: me.displayName })}
        namedByContent
        trigger={
          <>
            <Avatar name={me.displayName} address={me.userId} size="sm" />
            <span className="sr-only">{t('user.menuPrefix')}</span>
            <span className="user-name">{me.displayName}</span>
            <Icon name="chevronDown" size={16} className="user-chevron" />
          </>
        }
        items={[
          { key: 'preferences', label: t('user.preferences'), icon: 'settings', onSelect: () => navigate({ name: 'preferences' }) },
          { key: 'security', label: t('user.security'), icon: 'shield', onSelect: () => navigate({ name: 'security' }) },
          { key: 'logout', label: t('user.logout'), icon: 'logout', onSelect: logout },
        ]}
      />
    </header>
  );
}
