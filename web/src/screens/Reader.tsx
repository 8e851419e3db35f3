import { useEffect, useRef, useState } from 'react';
import { ApiError, isMissing } from '../api/client.ts';
import { deleteMessage, moveMessage, setFlags } from '../api/mail.ts';
import { attachmentUrl, htmlUrl, openBody, peekMessage, rawUrl } from '../api/messages.ts';
import type { Attachment, ListEntry, Mailbox, MessageBody, Person } from '../api/types.ts';
import { Avatar } from '../components/Avatar.tsx';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { Icon } from '../components/Icon.tsx';
import { MenuButton } from '../components/Menu.tsx';
import { MessageText } from '../components/MessageText.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { useToaster } from '../components/Toaster.tsx';
import { TrackingBadge, TrackingTable } from '../components/TrackingStatus.tsx';
import { useI18n } from '../i18n/index.tsx';
import { formatLongDateTime, formatSize } from '../i18n/format.ts';
import { errorText } from '../lib/errors.ts';
import { folderIcon, folderLabel, isDrafts, isSent, isTrash, sortFolders } from '../lib/folders.ts';
import { canManage, useMail } from '../lib/mailContext.tsx';
import { personLabel } from '../lib/people.ts';
import { forwardPrefill, replyPrefill } from '../lib/replies.ts';
import { displaySubject } from '../lib/subject.ts';
import { invalidateTracking, summarise, useTracking } from '../lib/trackingCache.ts';
import { hasFlag, withFlag } from '../lib/useMessageList.ts';

type Props = {
  mailbox: Mailbox;
  folder: string;
  entry: ListEntry;
  onEntryChange(patch: Partial<ListEntry>): void;
  onRemoved(): void;
  onBack(): void;
};

type Loaded = { kind: 'body'; body: MessageBody } | { kind: 'preview'; body: MessageBody };

/** One message: opening it is a legal act (proof of reading), so it happens here, on display. */
export function Reader({ mailbox, folder, entry, onEntryChange, onRemoved, onBack }: Props) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { mailboxes, folders, refreshFolders, openCompose, subscribe } = useMail();
  const { notify } = useToaster();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [plain, setPlain] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const folderInfo = folders[mailbox.id]?.find((candidate) => candidate.name === folder);
  const sent = isSent(folderInfo);
  const manage = canManage(mailbox);
  const entryRef = useRef(entry);
  entryRef.current = entry;

  useEffect(() => {
    const controller = new AbortController();
    setLoaded(null);
    setFailure(null);
    openBody(entry.messageId, mailbox.id, controller.signal).then(
      (body) => {
        setLoaded({ kind: 'body', body });
        if (!hasFlag(entryRef.current, '\\Seen')) markSeen();
      },
      async (error: unknown) => {
        if (controller.signal.aborted) return;
        if (isMissing(error) && error instanceof ApiError && error.message === 'no such resource') {
          // The reading route is not on this server yet: show what a peek allows.
          try {
            const meta = await peekMessage(entry.messageId, mailbox.id, controller.signal);
            const index = meta.index;
            setLoaded({
              kind: 'preview',
              body: {
                id: meta.id,
                messageIdHeader: meta.messageIdHeader,
                subject: index.subject,
                from: index.from,
                sender: meta.sender,
                replyTo: index.replyTo ?? [],
                to: index.to,
                cc: index.cc,
                date: index.date,
                receivedAt: meta.receivedAt,
                text: index.textPreview,
                hasHtml: false,
                attachments: index.attachments,
                inReplyTo: index.inReplyTo ?? null,
                references: index.references ?? [],
              },
            });
          } catch (reason) {
            if (!controller.signal.aborted) setFailure(errorText(i18n, reason));
          }
          return;
        }
        if (error instanceof ApiError && error.status === 404) setFailure(t('reader.notFound'));
        else if (error instanceof ApiError && error.status === 410) setFailure(t('reader.purged'));
        else setFailure(`${t('reader.error')} ${errorText(i18n, error)}`);
      },
    );
    return () => controller.abort();
    // The message identity is the key of this component; nothing else should reopen it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // On a phone the list is hidden: take the reader to the subject so reading starts there.
  useEffect(() => {
    if (loaded && !window.matchMedia('(min-width: 900px)').matches) headingRef.current?.focus();
  }, [loaded]);

  // Someone opened what I sent: its tracking is stale.
  useEffect(
    () =>
      subscribe((event) => {
        if (event.kind === 'tracking' && (!event.messageId || event.messageId === entry.messageId)) invalidateTracking(entry.messageId);
      }),
    [subscribe, entry.messageId],
  );

  const markSeen = () => {
    setFlags(mailbox.id, folder, entry.uid, { seen: true }).then(
      (result) => {
        onEntryChange({ flags: result.flags });
        refreshFolders(mailbox.id);
      },
      () => {
        // Not marking read is harmless; the opening itself is already recorded.
      },
    );
  };

  const failed = (error: unknown) => {
    if (error instanceof ApiError && error.status === 403) notify(t('reader.forbidden'), 'error');
    else notify(`${t('reader.actionFailed')} ${errorText(i18n, error)}`, 'error');
  };

  const run = async (action: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    try {
      await action();
    } catch (error) {
      failed(error);
    } finally {
      setBusy(false);
    }
  };

  const markUnread = () =>
    run(async () => {
      const result = await setFlags(mailbox.id, folder, entry.uid, { seen: false });
      onEntryChange({ flags: result.flags });
      refreshFolders(mailbox.id);
      notify(t('reader.markedUnread'), 'success');
    });

  const toggleFlag = () =>
    run(async () => {
      const on = !hasFlag(entry, '\\Flagged');
      onEntryChange({ flags: withFlag(entry.flags, '\\Flagged', on) });
      const result = await setFlags(mailbox.id, folder, entry.uid, { flagged: on });
      onEntryChange({ flags: result.flags });
    });

  const moveTo = (target: string) =>
    run(async () => {
      await moveMessage(mailbox.id, folder, entry.uid, target);
      const targetInfo = folders[mailbox.id]?.find((candidate) => candidate.name === target);
      notify(t('reader.moved', { folder: folderLabel(t, targetInfo, target) }), 'success');
      onRemoved();
    });

  const remove = () => {
    if (isTrash(folderInfo)) {
      setConfirming(true);
      return;
    }
    run(async () => {
      await deleteMessage(mailbox.id, folder, entry.uid);
      notify(t('reader.deleted'), 'success');
      onRemoved();
    });
  };

  const removeForGood = () => {
    setConfirming(false);
    run(async () => {
      await deleteMessage(mailbox.id, folder, entry.uid);
      notify(t('reader.deletedForever'), 'success');
      onRemoved();
    });
  };

  const body = loaded?.body ?? null;
  const subject = displaySubject(body?.subject ?? entry.subject);
  const rawFrom: Person = body?.from[0] ?? { name: entry.fromName ?? '', address: entry.sender };
  const fromPerson: Person = rawFrom.name ? rawFrom : { ...rawFrom, name: mailboxes.find((candidate) => candidate.address.toLowerCase() === rawFrom.address.toLowerCase())?.displayName ?? '' };
  const moveTargets = sortFolders(folders[mailbox.id] ?? []).filter((candidate) => candidate.name !== folder && !isDrafts(candidate));
  const flagged = hasFlag(entry, '\\Flagged');
  const files = body ? body.attachments.filter((attachment) => !attachment.inline || !body.hasHtml) : [];

  return (
    <article className="reader" aria-labelledby="reader-subject">
      <div className="reader-toolbar" role="group" aria-label={t('reader.actions')}>
        <button type="button" className="icon-btn only-narrow" onClick={onBack} aria-label={t('reader.back')}>
          <Icon name="back" size={22} />
        </button>
        <div className="toolbar-group">
          <ToolButton icon="reply" label={t('reader.reply')} disabled={!body} onClick={() => body && openCompose(replyPrefill(lang, mailbox, body, false))} primary />
          <ToolButton icon="replyAll" label={t('reader.replyAll')} disabled={!body} onClick={() => body && openCompose(replyPrefill(lang, mailbox, body, true))} />
          <ToolButton icon="forward" label={t('reader.forward')} disabled={!body} onClick={() => body && openCompose(forwardPrefill(lang, mailbox, body))} />
        </div>
        <span className="toolbar-sep" aria-hidden="true" />
        <div className="toolbar-group">
          <MenuButton
            className="toolbar-menu"
            label={t('reader.move')}
            disabled={!manage || busy || moveTargets.length === 0}
            trigger={
              <>
                <Icon name="move" />
                <span className="tool-label">{t('reader.move')}</span>
                <Icon name="chevronDown" size={14} />
              </>
            }
            items={moveTargets.map((target) => ({ key: target.name, label: folderLabel(t, target), icon: folderIcon(target), onSelect: () => moveTo(target.name) }))}
          />
          <ToolButton icon="trash" label={isTrash(folderInfo) ? t('reader.deleteForever') : t('reader.delete')} disabled={!manage || busy} onClick={remove} compact />
          <ToolButton icon="unread" label={t('reader.markUnread')} disabled={busy || !hasFlag(entry, '\\Seen')} onClick={markUnread} compact />
          <ToolButton icon="flag" label={flagged ? t('reader.unflag') : t('reader.flag')} pressed={flagged} disabled={busy} onClick={toggleFlag} compact />
          <a className="tool-btn" href={rawUrl(entry.messageId, mailbox.id)} download={`${entry.messageId}.eml`} aria-label={t('reader.download')} title={t('reader.download')}>
            <Icon name="download" />
          </a>
        </div>
      </div>

      <div className="reader-scroll">
        <header className="reader-head">
          <h1 className="reader-subject" id="reader-subject" tabIndex={-1} ref={headingRef}>
            {subject.isDocument ? (
              <span className="badge badge-doc" title={t('reader.document')}>
                <Icon name="fileMedical" size={13} />
                {t('list.document')}
              </span>
            ) : null}
            {subject.text || t('list.noSubject')}
          </h1>
          <div className="reader-people">
            <Avatar name={fromPerson.name || fromPerson.address} address={fromPerson.address} size="lg" />
            <dl className="reader-meta">
              <div className="meta-row meta-from">
                <dt className="sr-only">{t('reader.from')}</dt>
                <dd>
                  <span className="person-name">{personLabel(fromPerson)}</span>
                  {fromPerson.name ? <span className="person-address">&lt;{fromPerson.address}&gt;</span> : null}
                </dd>
              </div>
              {body && body.to.length > 0 ? <PeopleRow label={t('reader.to')} people={body.to} /> : null}
              {body && body.cc.length > 0 ? <PeopleRow label={t('reader.cc')} people={body.cc} /> : null}
              <div className="meta-row meta-date">
                <dt className="sr-only">{t('reader.date')}</dt>
                <dd>
                  <time dateTime={new Date(body?.date ?? entry.internalDate).toISOString()}>{formatLongDateTime(lang, body?.date ?? entry.internalDate)}</time>
                </dd>
              </div>
            </dl>
          </div>
        </header>

        {failure ? (
          <div className="pane-state" role="alert">
            <Icon name="alert" size={28} />
            <p>{failure}</p>
          </div>
        ) : !loaded ? (
          <div className="pane-state">
            <Spinner label={t('reader.loading')} />
          </div>
        ) : (
          <>
            {loaded.kind === 'preview' ? (
              <p className="notice notice-info">
                <Icon name="info" size={16} />
                {t('reader.preview')}
              </p>
            ) : null}
            {files.length > 0 ? <Attachments messageId={entry.messageId} mailboxId={mailbox.id} files={files} /> : null}
            {sent ? <SentTracking messageId={entry.messageId} /> : null}
            {loaded.body.hasHtml && !plain ? (
              <div className="message-html">
                {loaded.body.text ? (
                  <button type="button" className="btn-link view-toggle" onClick={() => setPlain(true)}>
                    {t('reader.showText')}
                  </button>
                ) : null}
                <iframe
                  className="message-frame"
                  title={t('reader.frameTitle')}
                  src={htmlUrl(entry.messageId, mailbox.id)}
                  sandbox="allow-popups allow-popups-to-escape-sandbox"
                  referrerPolicy="no-referrer"
                />
              </div>
            ) : (
              <div className="message-body">
                {loaded.body.hasHtml ? (
                  <button type="button" className="btn-link view-toggle" onClick={() => setPlain(false)}>
                    {t('reader.showHtml')}
                  </button>
                ) : null}
                {loaded.body.text ? <MessageText text={loaded.body.text} /> : <p className="muted">{t('reader.noText')}</p>}
              </div>
            )}
            {!sent ? (
              <p className="reader-proof">
                <Icon name="lock" size={14} />
                {t('reader.proof')}
              </p>
            ) : null}
          </>
        )}
      </div>
      {confirming ? (
        <ConfirmDialog
          title={t('reader.confirmTitle')}
          body={t('reader.confirmBody')}
          confirmLabel={t('reader.deleteForever')}
          cancelLabel={t('common.cancel')}
          danger
          onConfirm={removeForGood}
          onCancel={() => setConfirming(false)}
        />
      ) : null}
    </article>
  );
}

function ToolButton(props: { icon: Parameters<typeof Icon>[0]['name']; label: string; onClick(): void; disabled?: boolean; primary?: boolean; pressed?: boolean; compact?: boolean }) {
  return (
    <button
      type="button"
      className={props.primary ? 'tool-btn tool-primary' : 'tool-btn'}
      onClick={props.onClick}
      disabled={props.disabled}
      aria-pressed={props.pressed}
      title={props.label}
    >
      <Icon name={props.icon} />
      <span className={props.compact ? 'sr-only' : 'tool-label'}>{props.label}</span>
    </button>
  );
}

function PeopleRow({ label, people }: { label: string; people: Person[] }) {
  return (
    <div className="meta-row">
      <dt>{label}</dt>
      <dd>
        {people.map((person, index) => (
          <span key={`${person.address}-${index}`} className="person-chip" title={person.address}>
            {personLabel(person)}
            {index < people.length - 1 ? ', ' : ''}
          </span>
        ))}
      </dd>
    </div>
  );
}

function Attachments({ messageId, mailboxId, files }: { messageId: string; mailboxId: string; files: Attachment[] }) {
  const { t, tn, lang } = useI18n();
  return (
    <section className="attachments" aria-label={tn('reader.attachments', files.length)}>
      <h2 className="section-label">
        <Icon name="paperclip" size={15} />
        {tn('reader.attachments', files.length)}
      </h2>
      <ul className="attachment-list">
        {files.map((file) => {
          const name = file.filename || t('reader.unnamed');
          const size = formatSize(lang, file.size);
          return (
            <li key={file.part}>
              <a className="attachment-chip" href={attachmentUrl(messageId, file.part, mailboxId)} download={file.filename ?? true} title={t('reader.downloadAttachment', { name, size })}>
                <span className="attachment-icon" aria-hidden="true">
                  <Icon name={/pdf|msword|document|text/.test(file.contentType) ? 'fileMedical' : 'file'} size={20} />
                </span>
                <span className="attachment-text">
                  <span className="sr-only">{t('reader.downloadPrefix')}</span>
                  <span className="attachment-name">{name}</span>
                  <span className="attachment-size">{size}</span>
                </span>
                <Icon name="download" size={16} className="attachment-download" />
              </a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function SentTracking({ messageId }: { messageId: string }) {
  const { t } = useI18n();
  const result = useTracking(messageId);
  return (
    <section className="tracking-card" aria-labelledby="tracking-heading">
      <div className="tracking-card-head">
        <h2 className="section-label" id="tracking-heading">
          <Icon name="activity" size={15} />
          {t('tracking.section')}
        </h2>
        {result?.status === 'ready' ? <TrackingBadge summary={summarise(result.tracking)} /> : null}
      </div>
      {!result || result.status === 'loading' ? (
        <Spinner label={t('tracking.loading')} />
      ) : result.status === 'ready' ? (
        <TrackingTable tracking={result.tracking} caption={t('tracking.section')} />
      ) : (
        <p className="muted">{t('tracking.unavailable')}</p>
      )}
    </section>
  );
}
