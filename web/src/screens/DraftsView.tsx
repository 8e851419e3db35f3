import { useEffect } from 'react';
import { isMissing } from '../api/client.ts';
import { listDrafts } from '../api/compose.ts';
import type { DraftSummary } from '../api/types.ts';
import { Icon } from '../components/Icon.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { useI18n } from '../i18n/index.tsx';
import { formatListDate } from '../i18n/format.ts';
import { errorText } from '../lib/errors.ts';
import { useMail } from '../lib/mailContext.tsx';
import { hrefOf, linkClick } from '../lib/router.ts';
import { displaySubject } from '../lib/subject.ts';
import { useAsync } from '../lib/useAsync.ts';
import { FolderView } from './MailView.tsx';

type Props = { mailboxId: string; folder: string; uid: number | undefined };

/** Drafts are kept by the server apart from the folders: this lists them for one mailbox. */
export function DraftsView({ mailboxId, folder, uid }: Props) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { mailboxes, subscribe } = useMail();
  const mailbox = mailboxes.find((candidate) => candidate.id === mailboxId);
  const drafts = useAsync(async () => {
    const answer = await listDrafts();
    const list = Array.isArray(answer) ? answer : answer.drafts;
    return list.filter((draft) => !draft.mailboxId || draft.mailboxId === mailboxId).sort((a, b) => b.updatedAt - a.updatedAt);
  }, [mailboxId]);

  useEffect(() => subscribe((event) => event.mailboxId === '*' && drafts.reload()), [subscribe, drafts.reload]);

  // Without the drafts routes, the Drafts folder is an ordinary folder.
  if (drafts.error && isMissing(drafts.error)) return <FolderView mailboxId={mailboxId} folder={folder} uid={uid} q={undefined} />;

  const list: DraftSummary[] = drafts.data ?? [];

  return (
    <div className="mail-view" data-open="list">
      <section className="list-pane" aria-labelledby="list-title">
        <div className="list-inner">
          <div className="list-header">
            <div className="list-title-row">
              <h1 className="list-title" id="list-title">
                {t('folder.Drafts')}
              </h1>
            </div>
            <p className="list-subtitle">{mailbox?.displayName}</p>
          </div>
          <div className="list-scroll">
            {drafts.loading && !drafts.data ? (
              <div className="pane-state">
                <Spinner label={t('common.loading')} />
              </div>
            ) : drafts.error ? (
              <div className="pane-state" role="alert">
                <p>{errorText(i18n, drafts.error)}</p>
                <button type="button" className="btn" onClick={drafts.reload}>
                  {t('common.retry')}
                </button>
              </div>
            ) : list.length === 0 ? (
              <div className="pane-state empty">
                <Icon name="draft" size={36} />
                <p>{t('drafts.empty')}</p>
              </div>
            ) : (
              <ul className="msg-list" aria-label={t('folder.Drafts')}>
                {list.map((draft) => {
                  const route = { name: 'compose' as const, draftId: draft.id };
                  const recipients = (draft.to ?? []).filter(Boolean);
                  const subject = displaySubject(draft.subject);
                  return (
                    <li key={draft.id} className="msg-item">
                      <a className="msg-row" href={hrefOf(route)} onClick={linkClick(route)}>
                        <span className="unread-dot" aria-hidden="true" />
                        <span className="avatar avatar-md avatar-draft" aria-hidden="true">
                          <Icon name="draft" size={16} />
                        </span>
                        <span className="msg-main">
                          <span className="msg-line">
                            <span className="msg-from draft-to">{recipients.length ? t('drafts.to', { names: recipients.join(', ') }) : t('drafts.noRecipient')}</span>
                            <span className="msg-date">{formatListDate(lang, draft.updatedAt)}</span>
                          </span>
                          <span className="msg-line">
                            <span className={subject.text ? 'msg-subject' : 'msg-subject muted'}>{subject.text || t('list.noSubject')}</span>
                          </span>
                        </span>
                      </a>
                    </li>
                  );
                })}
              </ul>
            )}
          </div>
        </div>
      </section>
      <section className="reader-pane" aria-label={t('reader.label')}>
        <div className="pane-state empty reader-empty">
          <Icon name="draft" size={44} />
          <p className="reader-empty-title">{t('drafts.edit')}</p>
        </div>
      </section>
    </div>
  );
}
