import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { ListEntry } from '../api/types.ts';
import { Avatar } from '../components/Avatar.tsx';
import { Icon } from '../components/Icon.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { TrackingBadge } from '../components/TrackingStatus.tsx';
import { useI18n } from '../i18n/index.tsx';
import { formatDateTime, formatListDate } from '../i18n/format.ts';
import { useMail } from '../lib/mailContext.tsx';
import { hasFlag } from '../lib/useMessageList.ts';
import { displaySubject } from '../lib/subject.ts';
import { summarise, useTracking } from '../lib/trackingCache.ts';

type Props = {
  entries: ListEntry[];
  /** Identifies the open message: uid and the folder it lives in. */
  selected: { uid: number; folder: string } | null;
  folder: string;
  status: 'loading' | 'ready' | 'error';
  errorText: string;
  hasMore: boolean;
  loadingMore: boolean;
  emptyText: string;
  /** In the Sent folder a row names its recipients and their tracking. */
  sentFolder: boolean;
  /** Search results say which folder each message is in. */
  folderName?: (name: string) => string;
  hrefOf(entry: ListEntry): string;
  onOpen(entry: ListEntry): void;
  onLoadMore(): void;
  onRetry(): void;
  header: ReactNode;
};

/** The message list: rows as links, ↑/↓ or j/k to move, Enter to open, more loaded at the end. */
export function MessageList(props: Props) {
  const { t } = useI18n();
  const { entries, selected, folder, status, hasMore, loadingMore, onLoadMore } = props;
  const listRef = useRef<HTMLUListElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const sentinelRef = useRef<HTMLDivElement>(null);
  const keyOf = (entry: ListEntry) => `${entry.folder ?? folder}:${entry.uid}`;
  const selectedKey = selected ? `${selected.folder}:${selected.uid}` : null;
  const [focusKey, setFocusKey] = useState<string | null>(null);

  const tabbableKey = focusKey && entries.some((entry) => keyOf(entry) === focusKey) ? focusKey : (selectedKey ?? (entries[0] ? keyOf(entries[0]) : null));

  // Infinite scroll: the end of the list coming into view loads the next page.
  useEffect(() => {
    const sentinel = sentinelRef.current;
    if (!sentinel || !hasMore || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((seen) => seen.some((item) => item.isIntersecting) && onLoadMore(), { root: scrollRef.current, rootMargin: '200px' });
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [hasMore, onLoadMore, entries.length]);

  const links = () => Array.from(listRef.current?.querySelectorAll<HTMLAnchorElement>('a.msg-row') ?? []);

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const all = links();
    const index = all.indexOf(document.activeElement as HTMLAnchorElement);
    let next = -1;
    if (event.key === 'ArrowDown' || event.key === 'j') next = Math.min(all.length - 1, index + 1);
    else if (event.key === 'ArrowUp' || event.key === 'k') next = Math.max(0, index - 1);
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = all.length - 1;
    else if (event.key === ' ' && index >= 0) {
      event.preventDefault();
      all[index]!.click();
      return;
    } else return;
    event.preventDefault();
    const target = all[next];
    if (target) {
      target.focus();
      setFocusKey(target.dataset.key ?? null);
      if (next >= all.length - 3 && hasMore) onLoadMore();
    }
  };

  return (
    <div className="list-inner">
      {props.header}
      <div className="list-scroll" ref={scrollRef}>
        {status === 'loading' ? (
          <div className="pane-state">
            <Spinner label={t('list.loading')} />
          </div>
        ) : status === 'error' ? (
          <div className="pane-state" role="alert">
            <p>{props.errorText}</p>
            <button type="button" className="btn" onClick={props.onRetry}>
              {t('common.retry')}
            </button>
          </div>
        ) : entries.length === 0 ? (
          <div className="pane-state empty">
            <Icon name="inbox" size={36} />
            <p>{props.emptyText}</p>
          </div>
        ) : (
          <>
            <ul ref={listRef} className="msg-list" aria-label={t('list.label')} onKeyDown={onKeyDown} aria-describedby="list-keys">
              {entries.map((entry) => {
                const key = keyOf(entry);
                return (
                  <Row
                    key={key}
                    entry={entry}
                    dataKey={key}
                    selected={key === selectedKey}
                    tabbable={key === tabbableKey}
                    sentFolder={props.sentFolder}
                    folderName={props.folderName}
                    href={props.hrefOf(entry)}
                    onOpen={() => {
                      setFocusKey(key);
                      props.onOpen(entry);
                    }}
                  />
                );
              })}
            </ul>
            <p id="list-keys" className="sr-only">
              {t('list.keyboardHint')}
            </p>
            <div ref={sentinelRef} className="list-footer">
              {hasMore ? (
                <button type="button" className="btn btn-quiet" onClick={onLoadMore} disabled={loadingMore}>
                  {loadingMore ? t('list.loadingMore') : t('list.loadMore')}
                </button>
              ) : entries.length > 20 ? (
                <span className="muted">{t('list.end')}</span>
              ) : null}
            </div>
          </>
        )}
      </div>
    </div>
  );
}

type RowProps = {
  entry: ListEntry;
  dataKey: string;
  selected: boolean;
  tabbable: boolean;
  sentFolder: boolean;
  folderName?: ((name: string) => string) | undefined;
  href: string;
  onOpen(): void;
};

function Row({ entry, dataKey, selected, tabbable, sentFolder, folderName, href, onOpen }: RowProps) {
  const { t, lang } = useI18n();
  const { mailboxes } = useMail();
  // Messages written here may carry no display name: my own mailboxes at least have one.
  const knownName = (address: string) => mailboxes.find((mailbox) => mailbox.address.toLowerCase() === address.toLowerCase())?.displayName;
  const unread = !hasFlag(entry, '\\Seen');
  const flagged = hasFlag(entry, '\\Flagged');
  const subject = displaySubject(entry.subject);
  const senderName = entry.fromName?.trim() || knownName(entry.sender) || entry.sender;
  const tracked = useTracking(sentFolder ? entry.messageId : null);
  const recipients = tracked?.status === 'ready' ? tracked.tracking.recipients.map((recipient) => recipient.address).join(', ') : null;
  const who = sentFolder && recipients ? t('list.to', { names: recipients }) : senderName;

  return (
    <li className="msg-item">
      <a
        href={href}
        className="msg-row"
        data-key={dataKey}
        data-unread={unread ? 'true' : undefined}
        aria-current={selected ? 'true' : undefined}
        tabIndex={tabbable ? 0 : -1}
        onClick={(event) => {
          if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
          event.preventDefault();
          onOpen();
        }}
      >
        <span className="unread-dot" aria-hidden="true" />
        <Avatar name={sentFolder ? (recipients ?? senderName) : senderName} address={sentFolder ? (recipients ?? entry.sender) : entry.sender} />
        <span className="msg-main">
          <span className="msg-line">
            {unread ? <span className="sr-only">{t('list.unread')}, </span> : null}
            <span className="msg-from">{who}</span>
            <time className="msg-date" dateTime={new Date(entry.internalDate).toISOString()} title={formatDateTime(lang, entry.internalDate)}>
              {formatListDate(lang, entry.internalDate)}
            </time>
          </span>
          <span className="msg-line">
            {subject.isDocument ? (
              <span className="badge badge-doc">
                <Icon name="fileMedical" size={12} />
                {t('list.document')}
              </span>
            ) : null}
            <span className={subject.text ? 'msg-subject' : 'msg-subject muted'}>{subject.text || t('list.noSubject')}</span>
            <span className="msg-icons">
              {entry.hasAttachments ? (
                <span className="msg-icon" title={t('list.attachment')}>
                  <Icon name="paperclip" size={15} />
                  <span className="sr-only">, {t('list.attachment')}</span>
                </span>
              ) : null}
              {flagged ? (
                <span className="msg-icon flagged" title={t('list.flagged')}>
                  <Icon name="flag" size={15} />
                  <span className="sr-only">, {t('list.flagged')}</span>
                </span>
              ) : null}
            </span>
          </span>
          {sentFolder && tracked?.status === 'ready' ? (
            <span className="msg-line msg-extra">
              <TrackingBadge summary={summarise(tracked.tracking)} />
            </span>
          ) : null}
          {folderName && entry.folder ? (
            <span className="msg-line msg-extra">
              <span className="folder-chip">{folderName(entry.folder)}</span>
            </span>
          ) : null}
        </span>
      </a>
    </li>
  );
}
