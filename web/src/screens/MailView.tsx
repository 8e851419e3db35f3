import { useEffect, useState } from 'react';
import { listMessages } from '../api/mail.ts';
import type { ListEntry } from '../api/types.ts';
import { Icon } from '../components/Icon.tsx';
import { useI18n } from '../i18n/index.tsx';
import { errorText } from '../lib/errors.ts';
import { folderLabel, isDrafts, isSent } from '../lib/folders.ts';
import { useMail } from '../lib/mailContext.tsx';
import { hrefOf, navigate, type Route } from '../lib/router.ts';
import { useMessageList } from '../lib/useMessageList.ts';
import { DraftsView } from './DraftsView.tsx';
import { MessageList } from './MessageList.tsx';
import { Reader } from './Reader.tsx';
import '../styles/mail.css';

type Props = { mailboxId: string; folder: string; uid: number | undefined; q: string | undefined; openIn?: string | undefined };

const wide = () => window.matchMedia('(min-width: 900px)').matches;

/** List and reader side by side (one at a time on a phone). */
export function MailView({ mailboxId, folder, uid, q, openIn }: Props) {
  const { folders } = useMail();
  const folderInfo = folders[mailboxId]?.find((candidate) => candidate.name === folder);
  if (isDrafts(folderInfo) && !q) return <DraftsView key={mailboxId} mailboxId={mailboxId} folder={folder} uid={uid} />;
  // A search stays on screen while its results, from any folder, are opened.
  return <FolderView key={`${mailboxId}\n${folder}\n${q ?? ''}`} mailboxId={mailboxId} folder={folder} uid={uid} q={q} openIn={openIn} />;
}

export function FolderView({ mailboxId, folder, uid, q, openIn }: Props) {
  const i18n = useI18n();
  const { t, tn } = i18n;
  const { mailboxes, folders, refreshFolders } = useMail();
  const mailbox = mailboxes.find((candidate) => candidate.id === mailboxId)!;
  const folderList = folders[mailboxId];
  const folderInfo = folderList?.find((candidate) => candidate.name === folder);
  const list = useMessageList(mailboxId, folder, q);
  // The open message's folder: a search result may live in another folder than the list's.
  const openFolder = openIn ?? folder;
  const [single, setSingle] = useState<ListEntry | null | 'missing'>(null);

  const routeFor = (entry: ListEntry): Route => {
    const entryFolder = entry.folder ?? folder;
    return { name: 'mail', mailboxId, folder, uid: entry.uid, ...(q ? { q } : {}), ...(entryFolder !== folder ? { in: entryFolder } : {}) };
  };
  const listRoute: Route = { name: 'mail', mailboxId, folder, ...(q ? { q } : {}) };

  const inList = uid ? list.entries.find((entry) => entry.uid === uid && (entry.folder ?? folder) === openFolder) : undefined;

  // A message named by the address but not on the loaded page (a link, a reload deep in the list).
  useEffect(() => {
    setSingle(null);
    if (!uid || inList || list.status !== 'ready') return;
    let live = true;
    listMessages(mailboxId, openFolder, { before: uid + 1, limit: 1 }).then(
      (page) => live && setSingle(page.entries[0]?.uid === uid ? page.entries[0] : 'missing'),
      () => live && setSingle('missing'),
    );
    return () => {
      live = false;
    };
  }, [uid, inList, list.status, mailboxId, openFolder]);

  const selected = inList ?? (single && single !== 'missing' && single.uid === uid ? single : null);

  const afterRemoval = (entry: ListEntry) => {
    const entryFolder = entry.folder ?? folder;
    const index = list.entries.findIndex((candidate) => candidate.uid === entry.uid && (candidate.folder ?? folder) === entryFolder);
    const next = list.entries[index + 1] ?? list.entries[index - 1];
    list.removeEntry(entry.uid, entryFolder);
    refreshFolders(mailboxId);
    navigate(next && wide() ? routeFor(next) : listRoute, { replace: true });
  };

  const title = q ? t('search.results', { q }) : folderLabel(t, folderInfo, folder);
  const unread = folderInfo?.unread ?? 0;

  const header = (
    <div className="list-header">
      <div className="list-title-row">
        <h1 className="list-title" id="list-title">
          {title}
        </h1>
        {q ? (
          <a
            className="icon-btn"
            href={hrefOf({ name: 'mail', mailboxId, folder })}
            aria-label={t('search.clear')}
            title={t('search.clear')}
            onClick={(event) => {
              event.preventDefault();
              navigate({ name: 'mail', mailboxId, folder });
            }}
          >
            <Icon name="close" />
          </a>
        ) : (
          <button type="button" className="icon-btn" aria-label={t('list.refresh')} title={t('list.refresh')} onClick={() => {
            list.refresh();
            refreshFolders(mailboxId);
          }}>
            <Icon name="refresh" />
          </button>
        )}
      </div>
      <p className="list-subtitle">
        <span className="list-mailbox">{mailbox.displayName}</span>
        {!q && folderInfo ? (
          <span>
            {' · '}
            {tn('list.count', folderInfo.total)}
            {unread > 0 ? ` · ${tn('folder.unread', unread)}` : ''}
          </span>
        ) : null}
      </p>
      {list.searchMode === 'local' ? (
        <p className="notice notice-info">
          <Icon name="info" size={16} />
          {t('search.local')}
        </p>
      ) : null}
    </div>
  );

  return (
    <div className="mail-view" data-open={uid ? 'reader' : 'list'}>
      <section className="list-pane" aria-labelledby="list-title">
        <MessageList
          entries={list.entries}
          selected={uid ? { uid, folder: openFolder } : null}
          folder={folder}
          status={list.status}
          errorText={list.status === 'error' ? `${t('list.error')} ${errorText(i18n, list.error)}` : ''}
          hasMore={list.hasMore}
          loadingMore={list.loadingMore}
          emptyText={q ? t('search.empty', { q }) : t('list.empty')}
          sentFolder={!q && isSent(folderInfo)}
          folderName={q ? (name) => t('search.inFolder', { folder: folderLabel(t, folderList?.find((candidate) => candidate.name === name), name) }) : undefined}
          hrefOf={(entry) => hrefOf(routeFor(entry))}
          onOpen={(entry) => navigate(routeFor(entry))}
          onLoadMore={list.loadMore}
          onRetry={list.reload}
          header={header}
        />
      </section>
      <section className="reader-pane" aria-label={t('reader.label')}>
        {selected ? (
          <Reader
            key={`${mailboxId}:${openFolder}:${selected.uid}`}
            mailbox={mailbox}
            folder={openFolder}
            entry={selected}
            onEntryChange={(patch) => list.updateEntry(selected.uid, openFolder, patch)}
            onRemoved={() => afterRemoval(selected)}
            onBack={() => {
              navigate(listRoute);
              // Back on a phone: the row just read takes the focus again.
              const key = `${selected.folder ?? folder}:${selected.uid}`;
              window.setTimeout(() => document.querySelector<HTMLElement>(`a.msg-row[data-key="${CSS.escape(key)}"]`)?.focus(), 0);
            }}
          />
        ) : uid && (single === 'missing' || list.status === 'error') ? (
          <div className="pane-state" role="alert">
            <p>{t('reader.notFound')}</p>
            <button type="button" className="btn only-narrow" onClick={() => navigate(listRoute)}>
              {t('reader.back')}
            </button>
          </div>
        ) : uid ? null : (
          <div className="pane-state empty reader-empty">
            <Icon name="mail" size={44} />
            <p className="reader-empty-title">{t('reader.empty')}</p>
            <p className="muted">{t('reader.emptyHint')}</p>
          </div>
        )}
      </section>
    </div>
  );
}
