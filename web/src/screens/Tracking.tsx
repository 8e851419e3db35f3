import { useEffect, useState } from 'react';
import { listMessages } from '../api/mail.ts';
import type { ListEntry } from '../api/types.ts';
import { Icon } from '../components/Icon.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { TrackingBadge, TrackingTable } from '../components/TrackingStatus.tsx';
import { VaultCopies } from '../components/VaultCopies.tsx';
import { useI18n } from '../i18n/index.tsx';
import { formatDateTime } from '../i18n/format.ts';
import { errorText } from '../lib/errors.ts';
import { useMail } from '../lib/mailContext.tsx';
import { hrefOf, linkClick, navigate } from '../lib/router.ts';
import { displaySubject } from '../lib/subject.ts';
import { invalidateTracking, summarise, useTracking } from '../lib/trackingCache.ts';
import '../styles/pages.css';

const PAGE = 50;

/** The receipt of a sent message: the server answers it as a download (PDF for people, JSON to verify). */
const proofUrl = (messageId: string, format: 'pdf' | 'json') => `/api/v1/messages/${encodeURIComponent(messageId)}/proof?format=${format}`;

/** Suivi: every message sent from a mailbox, with delivery and opening per recipient. */
export function TrackingPage({ mailboxId }: { mailboxId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { mailboxes, folders, subscribe } = useMail();
  const mailbox = mailboxes.find((candidate) => candidate.id === mailboxId);
  const sentFolder = folders[mailboxId]?.find((folder) => folder.specialUse === '\\Sent')?.name ?? 'Sent';
  const [entries, setEntries] = useState<ListEntry[]>([]);
  const [status, setStatus] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState<unknown>(null);
  const [hasMore, setHasMore] = useState(false);
  const [more, setMore] = useState(false);
  const [tick, setTick] = useState(0);


  useEffect(() => {
    let live = true;
    if (tick === 0) setStatus('loading');
    listMessages(mailboxId, sentFolder, { limit: PAGE }).then(
      (page) => {
        if (!live) return;
        setEntries(page.entries);
        setHasMore(page.entries.length >= PAGE);
        setStatus('ready');
      },
      (reason: unknown) => {
        if (!live) return;
        setError(reason);
        setStatus('error');
      },
    );
    return () => {
      live = false;
    };
  }, [mailboxId, sentFolder, tick]);

  useEffect(
    () =>
      subscribe((event) => {
        if (event.mailboxId !== mailboxId && event.mailboxId !== '*') return;
        if (event.kind === 'tracking') invalidateTracking(event.messageId);
        else if (event.mailboxId === '*' || event.folder === undefined || event.folder === sentFolder) setTick((value) => value + 1);
      }),
    [subscribe, mailboxId, sentFolder],
  );

  const loadMore = () => {
    const last = entries[entries.length - 1];
    if (!last || more) return;
    setMore(true);
    listMessages(mailboxId, sentFolder, { limit: PAGE, before: last.uid }).then(
      (page) => {
        setEntries((list) => [...list, ...page.entries]);
        setHasMore(page.entries.length >= PAGE);
        setMore(false);
      },
      () => setMore(false),
    );
  };

  return (
    <div className="page">
      <div className="page-inner page-wide">
        <header className="page-head">
          <h1 className="page-title">
            <Icon name="activity" size={22} />
            {t('tracking.title')}
          </h1>
          <p className="page-intro">{t('tracking.intro', { mailbox: mailbox?.address ?? '' })}</p>
          {mailboxes.length > 1 ? (
            <div className="field field-inline">
              <label htmlFor="tracking-mailbox">{t('tracking.mailbox')}</label>
              <select id="tracking-mailbox" value={mailboxId} onChange={(event) => navigate({ name: 'tracking', mailboxId: event.target.value })}>
                {mailboxes.map((candidate) => (
                  <option key={candidate.id} value={candidate.id}>
                    {candidate.displayName} — {candidate.address}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
        </header>
        {status === 'loading' ? (
          <Spinner label={t('common.loading')} />
        ) : status === 'error' ? (
          <p className="notice notice-error" role="alert">
            {errorText(i18n, error)}
          </p>
        ) : entries.length === 0 ? (
          <div className="pane-state empty">
            <Icon name="send" size={36} />
            <p>{t('tracking.empty')}</p>
          </div>
        ) : (
          <>
            <ul className="track-list" aria-label={t('tracking.title')}>
              {entries.map((entry) => (
                <TrackedMessage key={entry.messageId} entry={entry} mailboxId={mailboxId} folder={sentFolder} />
              ))}
            </ul>
            {hasMore ? (
              <div className="list-footer">
                <button type="button" className="btn btn-quiet" onClick={loadMore} disabled={more}>
                  {more ? t('list.loadingMore') : t('list.loadMore')}
                </button>
              </div>
            ) : null}
          </>
        )}
      </div>
    </div>
  );
}

function TrackedMessage({ entry, mailboxId, folder }: { entry: ListEntry; mailboxId: string; folder: string }) {
  const { t, tn, lang } = useI18n();
  const [open, setOpen] = useState(false);
  const result = useTracking(entry.messageId);
  const subject = displaySubject(entry.subject);
  const detailId = `track-${entry.messageId}`;
  const route = { name: 'mail' as const, mailboxId, folder, uid: entry.uid };
  const tracking = result?.status === 'ready' ? result.tracking : null;

  return (
    <li className="track-item">
      <button type="button" className="track-summary" aria-expanded={open} aria-controls={detailId} onClick={() => setOpen((value) => !value)}>
        <Icon name={open ? 'chevronDown' : 'chevronRight'} size={16} className="track-chevron" />
        <span className="track-main">
          <span className="track-subject">
            {subject.isDocument ? <span className="badge badge-doc">{t('list.document')}</span> : null}
            {subject.text || t('list.noSubject')}
          </span>
          <span className="track-meta">
            {t('tracking.sentOn', { date: formatDateTime(lang, entry.internalDate) })}
            {tracking ? ` · ${tn('tracking.recipients', tracking.recipients.length)}` : ''}
            {tracking ? <span className="track-to"> · {tracking.recipients.map((recipient) => recipient.address).join(', ')}</span> : null}
          </span>
        </span>
        <span className="track-status">
          {tracking ? <TrackingBadge summary={summarise(tracking)} /> : result?.status === 'loading' || !result ? <Spinner /> : <span className="muted">—</span>}
        </span>
      </button>
      {open ? (
        <div id={detailId} className="track-detail">
          {tracking ? (
            <TrackingTable tracking={tracking} caption={subject.text} />
          ) : result?.status === 'unavailable' || result?.status === 'error' ? (
            <p className="muted">{t('tracking.unavailable')}</p>
          ) : (
            <Spinner label={t('tracking.loading')} />
          )}
          <VaultCopies messageId={entry.messageId} />
          <div className="track-actions">
            <a className="btn btn-quiet btn-small" href={hrefOf(route)} onClick={linkClick(route)}>
              <Icon name="mail" size={16} />
              {t('tracking.open')}
            </a>
            <a className="btn btn-quiet btn-small" href={proofUrl(entry.messageId, 'pdf')} download aria-describedby={`${detailId}-proof`}>
              <Icon name="download" size={16} />
              {t('tracking.proofPdf')}
            </a>
            <a className="btn btn-quiet btn-small" href={proofUrl(entry.messageId, 'json')} download aria-describedby={`${detailId}-proof`}>
              <Icon name="download" size={16} />
              {t('tracking.proofJson')}
            </a>
          </div>
          <p id={`${detailId}-proof`} className="muted track-proof-hint">
            {t('tracking.proofHint')}
          </p>
        </div>
      ) : null}
    </li>
  );
}
