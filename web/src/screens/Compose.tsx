import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { ApiError, isMissing } from '../api/client.ts';
import { createDraft, deleteDraft, deleteUpload, getDraft, sendMessage, updateDraft } from '../api/compose.ts';
import type { VaultSent } from '../api/types.ts';
import { routesOf } from '../api/vault.ts';
import { DEFAULT_VAULT_FORM, PatientFields, VaultCodesDialog, VaultPanel, vaultChoices, type PatientForm, type VaultForm } from '../components/VaultPanel.tsx';
import type { DraftContent, Upload } from '../api/types.ts';
import { MAX_ATTACHMENT_BYTES, uploadFile } from '../api/uploads.ts';
import { FormError } from '../components/FormError.tsx';
import { Icon } from '../components/Icon.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { useToaster } from '../components/Toaster.tsx';
import { TokenInput } from '../components/TokenInput.tsx';
import { useI18n } from '../i18n/index.tsx';
import { formatSize, formatTime } from '../i18n/format.ts';
import { errorText } from '../lib/errors.ts';
import { canSend, useMail, type ComposePrefill } from '../lib/mailContext.tsx';
import { looksLikeAddress } from '../lib/people.ts';
import { historyState, navigate, parseRoute, renameCurrentEntry } from '../lib/router.ts';
import '../styles/compose.css';

type Attachment = {
  key: string;
  name: string;
  size: number;
  status: 'uploading' | 'done' | 'failed';
  loaded: number;
  upload?: Upload;
  abort?: () => void;
};

type DraftStatus = { state: 'idle' } | { state: 'saving' } | { state: 'saved'; at: number } | { state: 'error' } | { state: 'unavailable' };

const AUTOSAVE_MS = 1500;

/** Writing a message: recipients, subject, text, attachments; saved as a draft while typing. */
export function Compose({ draftId: initialDraftId }: { draftId: string | undefined }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { mailboxes, defaultMailboxId, refreshFolders } = useMail();
  const { notify } = useToaster();
  const prefill = useMemo<ComposePrefill>(() => historyState<{ prefill?: ComposePrefill }>()?.prefill ?? {}, []);
  const senders = mailboxes.filter(canSend);
  const pickSender = (id: string | undefined) => senders.find((mailbox) => mailbox.id === id)?.id ?? senders.find((mailbox) => mailbox.id === defaultMailboxId)?.id ?? senders[0]?.id ?? '';

  const [mailboxId, setMailboxId] = useState(() => pickSender(prefill.mailboxId));
  const [to, setTo] = useState<string[]>(prefill.to ?? []);
  const [cc, setCc] = useState<string[]>(prefill.cc ?? []);
  const [showCc, setShowCc] = useState((prefill.cc ?? []).length > 0);
  const [subject, setSubject] = useState(prefill.subject ?? '');
  const [text, setText] = useState(prefill.text ?? '');
  const [attachments, setAttachments] = useState<Attachment[]>([]);
  const [inReplyTo, setInReplyTo] = useState<string | undefined>(prefill.inReplyTo);
  const [draftId, setDraftId] = useState<string | undefined>(initialDraftId);
  const [draftStatus, setDraftStatus] = useState<DraftStatus>({ state: 'idle' });
  const [loadingDraft, setLoadingDraft] = useState(Boolean(initialDraftId));
  const [sending, setSending] = useState(false);
  const [error, setError] = useState('');
  const [attachError, setAttachError] = useState('');
  const [dragging, setDragging] = useState(false);
  const [vaultAddresses, setVaultAddresses] = useState<string[]>([]);
  const [vaultForm, setVaultForm] = useState<VaultForm>(DEFAULT_VAULT_FORM);
  const [codes, setCodes] = useState<VaultSent[] | null>(null);
  const [patient, setPatient] = useState<PatientForm | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const dirty = useRef(false);
  const saving = useRef<Promise<void> | null>(null);
  const draftIdRef = useRef(draftId);
  draftIdRef.current = draftId;
  const unavailable = useRef(false);
  const sent = useRef(false);

  const mailbox = mailboxes.find((candidate) => candidate.id === mailboxId);
  const title = prefill.mode === 'reply' ? t('compose.replyTitle') : prefill.mode === 'forward' ? t('compose.forwardTitle') : t('compose.title');


  // A reply starts above the quote; a message to someone chosen (from the directory) with its
  // subject; anything else with the recipients.
  const startsAt = prefill.mode === 'reply' || initialDraftId ? null : prefill.to?.length && !prefill.subject ? 'subject' : 'to';
  useEffect(() => {
    if (prefill.mode === 'reply' && bodyRef.current) {
      bodyRef.current.focus();
      bodyRef.current.setSelectionRange(0, 0);
      bodyRef.current.scrollTop = 0;
    }
  }, [prefill.mode]);

  // Reopening a saved draft.
  useEffect(() => {
    if (!initialDraftId) return;
    let live = true;
    getDraft(initialDraftId).then(
      (draft) => {
        if (!live) return;
        setMailboxId(pickSender(draft.mailboxId));
        setTo(draft.to ?? []);
        setCc(draft.cc ?? []);
        setShowCc((draft.cc ?? []).length > 0);
        setSubject(draft.subject ?? '');
        setText(draft.text ?? '');
        setInReplyTo(draft.inReplyTo ?? undefined);
        setAttachments(
          (draft.attachments ?? []).map((item) => {
            const upload: Upload = typeof item === 'string' ? { id: item, filename: item, contentType: '', size: 0 } : item;
            return { key: upload.id, name: upload.filename, size: upload.size, status: 'done', loaded: upload.size, upload };
          }),
        );
        setDraftStatus({ state: 'saved', at: draft.updatedAt });
        setLoadingDraft(false);
      },
      (reason: unknown) => {
        if (!live) return;
        setLoadingDraft(false);
        setDraftId(undefined);
        setError(reason instanceof ApiError && reason.status === 404 ? t('compose.draftMissing') : errorText(i18n, reason));
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initialDraftId]);

  const doneIds = attachments.filter((item) => item.status === 'done' && item.upload).map((item) => item.upload!.id);
  const content: DraftContent = { mailboxId, to, cc, subject, text, attachments: doneIds, ...(inReplyTo ? { inReplyTo } : {}) };
  const contentKey = JSON.stringify(content);
  const contentRef = useRef(content);
  contentRef.current = content;

  const saveDraft = useCallback(async (): Promise<void> => {
    if (unavailable.current || sent.current || !contentRef.current.mailboxId) return;
    // One save at a time; a change made meanwhile is saved right after.
    while (saving.current) await saving.current;
    if (!dirty.current) return;
    dirty.current = false;
    const snapshot = contentRef.current;
    setDraftStatus({ state: 'saving' });
    const run = (async () => {
      try {
        const id = draftIdRef.current;
        const saved = id ? await updateDraft(id, snapshot) : await createDraft(snapshot);
        if (sent.current) return;
        if (!id) {
          draftIdRef.current = saved.id;
          setDraftId(saved.id);
          renameCurrentEntry({ name: 'compose', draftId: saved.id });
        }
        setDraftStatus({ state: 'saved', at: saved.updatedAt || Date.now() });
      } catch (reason) {
        if (isMissing(reason) && !draftIdRef.current) {
          unavailable.current = true;
          setDraftStatus({ state: 'unavailable' });
        } else {
          dirty.current = true;
          setDraftStatus({ state: 'error' });
        }
      }
    })();
    saving.current = run;
    await run;
    saving.current = null;
  }, []);

  // Leaving the page with changes no draft holds yet: the browser asks first.
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (dirty.current && !sent.current) event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);

  // Save as you type, once typing pauses.
  useEffect(() => {
    if (!dirty.current || loadingDraft) return;
    const timer = window.setTimeout(() => void saveDraft(), AUTOSAVE_MS);
    return () => window.clearTimeout(timer);
  }, [contentKey, loadingDraft, saveDraft]);

  const edit = <T,>(setter: (value: T) => void) => (value: T) => {
    dirty.current = true;
    setter(value);
  };

  const leave = () => {
    // Replacing the compose entry: Back after sending must not reopen the sent message's form.
    if (prefill.returnTo) {
      const [path = '/', search = ''] = prefill.returnTo.split('?');
      navigate(parseRoute(path, search ? `?${search}` : ''), { replace: true });
    } else navigate({ name: 'mail', ...(mailboxId ? { mailboxId, folder: 'INBOX' } : {}) }, { replace: true });
  };

  const close = async () => {
    if (dirty.current && (to.length || cc.length || subject || text.trim() || doneIds.length)) await saveDraft();
    leave();
  };

  const discard = async () => {
    sent.current = true;
    for (const item of attachments) {
      if (item.status === 'uploading') item.abort?.();
    }
    if (draftIdRef.current) await deleteDraft(draftIdRef.current).catch(() => {});
    for (const item of attachments) if (item.upload) deleteUpload(item.upload.id).catch(() => {});
    notify(t('compose.draftDiscarded'));
    leave();
  };

  // "(10 Mo here)" says nothing for a file just over the limit.
  const tooLarge = (file: { name: string; size: number }) =>
    file.size < MAX_ATTACHMENT_BYTES * 1.05 ? t('compose.tooLargePlain', { name: file.name }) : t('compose.tooLarge', { name: file.name, size: formatSize(lang, file.size) });

  const addFiles = (files: FileList | File[]) => {
    const problems: string[] = [];
    for (const file of Array.from(files)) {
      if (file.size > MAX_ATTACHMENT_BYTES) {
        problems.push(tooLarge(file));
        continue;
      }
      const key = `${file.name}-${file.size}-${Math.random().toString(36).slice(2)}`;
      const task = uploadFile(file, (loaded) => setAttachments((list) => list.map((item) => (item.key === key ? { ...item, loaded } : item))));
      setAttachments((list) => [...list, { key, name: file.name, size: file.size, status: 'uploading', loaded: 0, abort: task.abort }]);
      task.promise.then(
        (upload) => {
          dirty.current = true;
          setAttachments((list) => list.map((item) => (item.key === key ? { ...item, status: 'done', loaded: file.size, upload } : item)));
        },
        (reason: unknown) => {
          if (reason instanceof ApiError && reason.code === 'aborted') return;
          const why =
            reason instanceof ApiError && reason.status === 413
              ? tooLarge(file)
              : t('compose.uploadFailed', { name: file.name, reason: isMissing(reason) ? t('compose.uploadUnavailable') : errorText(i18n, reason) });
          setAttachError(why);
          setAttachments((list) => list.filter((item) => item.key !== key));
        },
      );
    }
    setAttachError(problems.join(' '));
  };

  const removeAttachment = (item: Attachment) => {
    dirty.current = true;
    if (item.status === 'uploading') item.abort?.();
    setAttachments((list) => list.filter((candidate) => candidate.key !== item.key));
    if (item.upload) deleteUpload(item.upload.id).catch(() => {});
  };

  // Recipients outside the trust space get a vault copy: the panel for them shows as they are typed.
  useEffect(() => {
    const candidates = [...to, ...cc, ...(patient && looksLikeAddress(patient.email) ? [patient.email] : [])].filter(looksLikeAddress);
    if (candidates.length === 0) {
      setVaultAddresses([]);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      routesOf(candidates).then(
        ({ routes }) => live && setVaultAddresses(routes.filter((entry) => entry.route === 'vault').map((entry) => entry.address)),
        () => undefined,
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [to, cc, patient]);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (sending || !mailbox) return;
    setError('');
    if (patient && !looksLikeAddress(patient.email)) {
      setError(t('patient.emailNeeded'));
      return;
    }
    if (to.length === 0 && !patient) {
      setError(t('compose.noRecipient'));
      document.getElementById('compose-to')?.focus();
      return;
    }
    const invalid = [...to, ...cc].find((address) => !looksLikeAddress(address));
    if (invalid) {
      setError(t('compose.invalidAddress', { address: invalid }));
      return;
    }
    if (attachments.some((item) => item.status === 'uploading')) {
      setError(t('compose.waitUploads'));
      return;
    }
    setSending(true);
    try {
      if (saving.current) await saving.current;
      const result = await sendMessage({
        from: mailbox.address,
        to,
        cc,
        subject,
        text,
        attachments: doneIds,
        ...(inReplyTo ? { inReplyTo } : {}),
        ...(draftIdRef.current ? { draftId: draftIdRef.current } : {}),
        ...(vaultAddresses.length > 0 ? { vault: vaultChoices(vaultForm, vaultAddresses) } : {}),
        ...(patient ? { patient: { ins: patient.ins, email: patient.email, ...(patient.phone.trim() ? { phone: patient.phone } : {}) } } : {}),
      });
      sent.current = true;
      dirty.current = false;
      notify(t('compose.sent'), 'success');
      refreshFolders(mailbox.id);
      // Codes to dictate are shown once, before leaving.
      const toDictate = result.vault.filter((copy) => copy.code !== null);
      if (toDictate.length > 0) setCodes(toDictate);
      else leave();
    } catch (reason) {
      setError(sendError(reason));
      setSending(false);
    }
  };

  const sendError = (reason: unknown): string => {
    if (reason instanceof ApiError) {
      if (reason.code === 'unknown_recipient') return t('compose.unknownRecipient', { addresses: reason.message.split(': ').slice(1).join(': ') || reason.message });
      if (reason.code === 'route_unavailable') return t('compose.routeUnavailable', { message: reason.message });
      if (reason.status === 403) return t('compose.forbidden');
      if (reason.status === 413) return t('compose.tooBig', { message: reason.message });
      if (reason.status === 400 || reason.status === 422) return t('compose.invalid', { message: reason.message });
    }
    return errorText(i18n, reason);
  };

  const onDrag = (event: DragEvent) => {
    if (!Array.from(event.dataTransfer.types).includes('Files')) return;
    event.preventDefault();
    if (event.type === 'dragenter' || event.type === 'dragover') setDragging(true);
    if (event.type === 'dragleave' && event.currentTarget === event.target) setDragging(false);
    if (event.type === 'drop') {
      setDragging(false);
      addFiles(event.dataTransfer.files);
    }
  };

  const statusText =
    draftStatus.state === 'saving'
      ? t('compose.draftSaving')
      : draftStatus.state === 'saved'
        ? t('compose.draftSaved', { time: formatTime(lang, draftStatus.at) })
        : draftStatus.state === 'error'
          ? t('compose.draftError')
          : draftStatus.state === 'unavailable'
            ? t('compose.draftUnavailable')
            : '';

  if (senders.length === 0) {
    return (
      <div className="compose-page">
        <p className="notice notice-error" role="alert">
          {t('compose.noSendRight')}
        </p>
      </div>
    );
  }

  return (
    <div className="compose-page" onDragEnter={onDrag} onDragOver={onDrag} onDragLeave={onDrag} onDrop={onDrag}>
      <form
        className="compose-card"
        aria-labelledby="compose-title"
        onSubmit={submit}
        noValidate
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            void submit();
          }
        }}
      >
        <div className="compose-head">
          <h1 className="compose-title" id="compose-title">
            {title}
          </h1>
          <p className={`draft-status draft-${draftStatus.state}`} role="status">
            {draftStatus.state === 'saved' ? <Icon name="check" size={14} /> : null}
            {statusText}
          </p>
          <button type="button" className="icon-btn" aria-label={t('compose.close')} title={t('compose.close')} onClick={() => void close()}>
            <Icon name="close" size={20} />
          </button>
        </div>

        {loadingDraft ? (
          <div className="pane-state">
            <Spinner label={t('compose.draftLoading')} />
          </div>
        ) : (
          <>
            <FormError error={error} className="compose-error" />
            <div className="compose-fields">
              <div className="compose-row">
                <label htmlFor="compose-from">{t('compose.from')}</label>
                <select id="compose-from" value={mailboxId} onChange={(event) => edit(setMailboxId)(event.target.value)}>
                  {senders.map((candidate) => (
                    <option key={candidate.id} value={candidate.id}>
                      {candidate.displayName} &lt;{candidate.address}&gt;
                    </option>
                  ))}
                </select>
              </div>
              <div className="compose-row">
                <label htmlFor="compose-to">{t('compose.to')}</label>
                <TokenInput id="compose-to" values={to} onChange={edit(setTo)} describedBy="recipient-hint" autoFocus={startsAt === 'to'} />
                {!showCc ? (
                  <button type="button" className="btn-link compose-cc-toggle" onClick={() => setShowCc(true)}>
                    {t('compose.addCc')}
                  </button>
                ) : null}
                {!patient ? (
                  <button type="button" className="btn-link compose-cc-toggle" onClick={() => setPatient({ ins: '', email: '', phone: '' })}>
                    {t('patient.add')}
                  </button>
                ) : null}
              </div>
              {patient ? <PatientFields value={patient} onChange={edit(setPatient)} onRemove={() => edit(setPatient)(null)} /> : null}
              {showCc ? (
                <div className="compose-row">
                  <label htmlFor="compose-cc">{t('compose.cc')}</label>
                  <TokenInput id="compose-cc" values={cc} onChange={edit(setCc)} describedBy="recipient-hint" />
                </div>
              ) : null}
              <p id="recipient-hint" className="sr-only">
                {t('compose.recipientHint')}
              </p>
              <div className="compose-row">
                <label htmlFor="compose-subject">{t('compose.subject')}</label>
                <input id="compose-subject" type="text" value={subject} maxLength={998} autoFocus={startsAt === 'subject'} onChange={(event) => edit(setSubject)(event.target.value)} />
              </div>
            </div>
            {vaultAddresses.length > 0 ? <VaultPanel addresses={vaultAddresses} value={vaultForm} onChange={edit(setVaultForm)} /> : null}
            <label htmlFor="compose-body" className="sr-only">
              {t('compose.body')}
            </label>
            <textarea ref={bodyRef} id="compose-body" className="compose-body" value={text} onChange={(event) => edit(setText)(event.target.value)} />

            {attachments.length > 0 ? (
              <ul className="upload-list" aria-label={t('compose.attachments')}>
                {attachments.map((item) => (
                  <li key={item.key} className={`upload upload-${item.status}`}>
                    <Icon name="file" size={18} />
                    <span className="upload-text">
                      <span className="upload-name">{item.name}</span>
                      <span className="upload-size">{formatSize(lang, item.size)}</span>
                    </span>
                    {item.status === 'uploading' ? (
                      <progress className="upload-progress" max={item.size || 1} value={item.loaded} aria-label={t('compose.uploadProgress', { name: item.name })} />
                    ) : (
                      <span className="upload-ready">
                        <Icon name="check" size={14} />
                        {t('compose.uploaded')}
                      </span>
                    )}
                    <button type="button" className="icon-btn" aria-label={t('compose.removeAttachment', { name: item.name })} onClick={() => removeAttachment(item)}>
                      <Icon name="close" size={16} />
                    </button>
                  </li>
                ))}
              </ul>
            ) : null}
            <div className="form-error attach-error" role="alert">
              {attachError ? (
                <>
                  <Icon name="alert" />
                  <span>{attachError}</span>
                </>
              ) : null}
            </div>

            <div className="compose-actions">
              <button type="submit" className="btn btn-primary btn-send" disabled={sending}>
                <Icon name="send" />
                {sending ? t('compose.sending') : t('compose.send')}
              </button>
              <button type="button" className="btn btn-quiet" onClick={() => fileRef.current?.click()}>
                <Icon name="paperclip" />
                {t('compose.attach')}
              </button>
              <input
                ref={fileRef}
                type="file"
                multiple
                hidden
                tabIndex={-1}
                onChange={(event) => {
                  if (event.target.files) addFiles(event.target.files);
                  event.target.value = '';
                }}
              />
              <span className="compose-drop-hint">{t('compose.attachHint')}</span>
              <button type="button" className="icon-btn compose-discard" aria-label={t('compose.discard')} title={t('compose.discard')} onClick={() => void discard()}>
                <Icon name="trash" />
              </button>
            </div>
          </>
        )}
        {codes ? <VaultCodesDialog copies={codes} onClose={() => leave()} /> : null}
        {dragging ? (
          <div className="drop-overlay" aria-hidden="true">
            <Icon name="paperclip" size={32} />
            {t('compose.drop')}
          </div>
        ) : null}
      </form>
    </div>
  );
}
