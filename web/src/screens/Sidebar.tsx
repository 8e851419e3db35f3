import { useState } from 'react';
import type { Mailbox } from '../api/types.ts';
import { Icon } from '../components/Icon.tsx';
import { useI18n } from '../i18n/index.tsx';
import { folderIcon, folderLabel, isDrafts, sortFolders } from '../lib/folders.ts';
import { useMail } from '../lib/mailContext.tsx';
import { hrefOf, linkClick, type Route } from '../lib/router.ts';

const COLLAPSED_KEY = 'missive.collapsed';

function readCollapsed(): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(COLLAPSED_KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

type Props = { route: Route; currentMailboxId: string | null; onNavigate(): void };

/** Mailboxes (mine and the shared ones) with their folders and unread counts, compose, the directory, Suivi. */
export function Sidebar({ route, currentMailboxId, onNavigate }: Props) {
  const { t, tn } = useI18n();
  const { mailboxes, folders, openCompose } = useMail();
  const [collapsed, setCollapsed] = useState<string[]>(readCollapsed);

  const toggle = (mailbox: Mailbox) => {
    const next = collapsed.includes(mailbox.id) ? collapsed.filter((id) => id !== mailbox.id) : [...collapsed, mailbox.id];
    setCollapsed(next);
    try {
      localStorage.setItem(COLLAPSED_KEY, JSON.stringify(next));
    } catch {
      // Kept for this page only.
    }
  };

  // My own mailbox first, then the shared ones.
  const ordered = [...mailboxes].sort((a, b) => Number(a.kind !== 'PER') - Number(b.kind !== 'PER'));

  const activeFolder = route.name === 'mail' && !route.q ? route.folder ?? 'INBOX' : null;
  const activeMailbox = route.name === 'mail' ? route.mailboxId : null;
  const trackingRoute: Route = { name: 'tracking', ...(currentMailboxId ? { mailboxId: currentMailboxId } : {}) };
  const directoryRoute: Route = { name: 'directory', view: {} };

  return (
    <nav id="sidebar" className="sidebar" aria-label={t('nav.label')}>
      <div className="sidebar-compose">
        <button
          type="button"
          className="btn btn-primary btn-compose"
          onClick={() => {
            onNavigate();
            openCompose();
          }}
        >
          <Icon name="pen" />
          <span>{t('nav.compose')}</span>
        </button>
      </div>
      <div className="sidebar-scroll">
        {ordered.map((mailbox) => {
          const list = folders[mailbox.id];
          const open = !collapsed.includes(mailbox.id);
          const inboxUnread = list?.find((folder) => folder.name === 'INBOX')?.unread ?? 0;
          const listId = `folders-${mailbox.id}`;
          return (
            <section key={mailbox.id} className="mailbox-group" aria-label={mailbox.displayName}>
              <h2 className="mailbox-heading">
                <button type="button" className="mailbox-toggle" aria-expanded={open} aria-controls={listId} onClick={() => toggle(mailbox)}>
                  <Icon name={open ? 'chevronDown' : 'chevronRight'} size={16} className="mailbox-chevron" />
                  <span className="mailbox-text">
                    <span className="mailbox-name">{mailbox.displayName}</span>
                    <span className="mailbox-sub">
                      {mailbox.kind !== 'PER' ? (
                        <span className={`badge badge-${mailbox.kind.toLowerCase()}`}>
                          {mailbox.kind === 'ORG' ? <Icon name="users" size={12} /> : null}
                          {t(`mailbox.${mailbox.kind}`)}
                        </span>
                      ) : null}
                      <span className="mailbox-address">{mailbox.address}</span>
                    </span>
                  </span>
                  {!open && inboxUnread > 0 ? (
                    <span className="count" aria-label={t('mailbox.unread', { n: inboxUnread })}>
                      {inboxUnread}
                    </span>
                  ) : null}
                </button>
              </h2>
              {open ? (
                <ul id={listId} className="folder-list">
                  {list
                    ? sortFolders(list).map((folder) => {
                        const target: Route = { name: 'mail', mailboxId: mailbox.id, folder: folder.name };
                        const current = activeMailbox === mailbox.id && activeFolder === folder.name;
                        const unread = isDrafts(folder) ? 0 : folder.unread;
                        return (
                          <li key={folder.name}>
                            <a
                              href={hrefOf(target)}
                              className="folder-link"
                              aria-current={current ? 'page' : undefined}
                              onClick={linkClick(target, onNavigate)}
                            >
                              <Icon name={folderIcon(folder)} />
                              <span className="folder-name">{folderLabel(t, folder)}</span>
                              {unread > 0 ? (
                                <>
                                  <span className="count" aria-hidden="true">
                                    {unread}
                                  </span>
                                  <span className="sr-only">, {tn('folder.unread', unread)}</span>
                                </>
                              ) : null}
                            </a>
                          </li>
                        );
                      })
                    : null}
                </ul>
              ) : null}
            </section>
          );
        })}
        <ul className="folder-list sidebar-extra">
          <li>
            <a href={hrefOf(directoryRoute)} className="folder-link" aria-current={route.name === 'directory' ? 'page' : undefined} onClick={linkClick(directoryRoute, onNavigate)}>
              <Icon name="contacts" />
              <span className="folder-name">{t('nav.directory')}</span>
            </a>
          </li>
          <li>
            <a href={hrefOf(trackingRoute)} className="folder-link" aria-current={route.name === 'tracking' ? 'page' : undefined} onClick={linkClick(trackingRoute, onNavigate)}>
              <Icon name="activity" />
              <span className="folder-name">{t('nav.tracking')}</span>
            </a>
          </li>
        </ul>
      </div>
    </nav>
  );
}
