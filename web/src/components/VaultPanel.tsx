import { useEffect, useId, useRef } from 'react';
import { validIns } from '../../../src/core/ins.ts';
import type { VaultChoices, VaultSent } from '../api/types.ts';
import { useI18n } from '../i18n/index.tsx';
import { formatDateTime } from '../i18n/format.ts';
import { Icon } from './Icon.tsx';

export type VaultForm = { codeBy: 'sms' | 'phone'; phones: Record<string, string>; expiresInDays: number; replies: 'none' | 'once' | 'thread' };

export const DEFAULT_VAULT_FORM: VaultForm = { codeBy: 'phone', phones: {}, expiresInDays: 30, replies: 'thread' };

/** What the server is told for these recipients: the phones of these addresses only. */
export function vaultChoices(form: VaultForm, addresses: readonly string[]): VaultChoices {
  const phones = form.codeBy === 'sms' ? Object.fromEntries(addresses.map((address) => [address, form.phones[address] ?? ''])) : undefined;
  return { codeBy: form.codeBy, ...(phones ? { phones } : {}), expiresInDays: form.expiresInDays, replies: form.replies };
}

/**
 * Compose, for recipients outside the trust space: the message stays in Missive's vault; they get
 * a link by e-mail and, separately, a code (by SMS, or dictated by the sender).
 */
export function VaultPanel({ addresses, value, onChange }: { addresses: readonly string[]; value: VaultForm; onChange(next: VaultForm): void }) {
  const { t } = useI18n();
  const id = useId();
  const set = (change: Partial<VaultForm>) => onChange({ ...value, ...change });
  return (
    <fieldset className="vault-panel">
      <legend>
        <Icon name="lock" size={16} />
        {t('vault.title')}
      </legend>
      <p className="vault-intro">{t('vault.intro', { addresses: addresses.join(', ') })}</p>
      <div className="vault-choice" role="radiogroup" aria-label={t('vault.codeBy')}>
        <span className="vault-label">{t('vault.codeBy')}</span>
        <label>
          <input type="radio" name={`${id}-code`} checked={value.codeBy === 'phone'} onChange={() => set({ codeBy: 'phone' })} />
          {t('vault.byPhone')}
        </label>
        <label>
          <input type="radio" name={`${id}-code`} checked={value.codeBy === 'sms'} onChange={() => set({ codeBy: 'sms' })} />
          {t('vault.bySms')}
        </label>
      </div>
      {value.codeBy === 'sms'
        ? addresses.map((address, index) => (
            <div className="compose-row" key={address}>
              <label htmlFor={`${id}-phone-${index}`}>{t('vault.phoneOf', { address })}</label>
              <input
                id={`${id}-phone-${index}`}
                type="tel"
                inputMode="tel"
                autoComplete="off"
                placeholder="06 12 34 56 78"
                value={value.phones[address] ?? ''}
                onChange={(event) => set({ phones: { ...value.phones, [address]: event.target.value } })}
              />
            </div>
          ))
        : null}
      <div className="vault-selects">
        <label>
          {t('vault.expires')}
          <select value={value.expiresInDays} onChange={(event) => set({ expiresInDays: Number(event.target.value) })}>
            {[7, 30, 90].map((days) => (
              <option key={days} value={days}>
                {t('vault.days', { n: days })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('vault.replies')}
          <select value={value.replies} onChange={(event) => set({ replies: event.target.value as VaultForm['replies'] })}>
            <option value="thread">{t('vault.repliesThread')}</option>
            <option value="once">{t('vault.repliesOnce')}</option>
            <option value="none">{t('vault.repliesNone')}</option>
          </select>
        </label>
      </div>
    </fieldset>
  );
}

export type PatientForm = { ins: string; email: string; phone: string };

/** Writing to a patient: the INS (one patient per message, its key checked as the server does) and how to reach them. */
export function PatientFields({ value, onChange, onRemove }: { value: PatientForm; onChange(next: PatientForm): void; onRemove(): void }) {
  const { t } = useI18n();
  const id = useId();
  const set = (change: Partial<PatientForm>) => onChange({ ...value, ...change });
  const insProblem = value.ins.trim() !== '' && !validIns(value.ins);
  return (
    <fieldset className="vault-panel patient-panel">
      <legend>
        <Icon name="user" size={16} />
        {t('patient.title')}
      </legend>
      <div className="compose-row">
        <label htmlFor={`${id}-ins`}>{t('patient.ins')}</label>
        <input id={`${id}-ins`} type="text" inputMode="numeric" autoComplete="off" value={value.ins} aria-invalid={insProblem} aria-describedby={`${id}-ins-hint`} onChange={(event) => set({ ins: event.target.value })} />
      </div>
      <p id={`${id}-ins-hint`} className={insProblem ? 'field-error' : 'vault-intro'}>
        {insProblem ? t('patient.insInvalid') : t('patient.insHint')}
      </p>
      <div className="compose-row">
        <label htmlFor={`${id}-email`}>{t('patient.email')}</label>
        <input id={`${id}-email`} type="email" autoComplete="off" value={value.email} onChange={(event) => set({ email: event.target.value })} />
      </div>
      <div className="compose-row">
        <label htmlFor={`${id}-phone`}>{t('patient.phone')}</label>
        <input id={`${id}-phone`} type="tel" inputMode="tel" autoComplete="off" placeholder="06 12 34 56 78" value={value.phone} onChange={(event) => set({ phone: event.target.value })} />
      </div>
      <button type="button" className="btn-link" onClick={onRemove}>
        {t('patient.remove')}
      </button>
    </fieldset>
  );
}

/** After sending: the codes the sender is to dictate, shown this once. */
export function VaultCodesDialog({ copies, onClose }: { copies: readonly VaultSent[]; onClose(): void }) {
  const { t, lang } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    dialog?.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog vault-codes"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId} className="dialog-title">
        {t('vault.codesTitle')}
      </h2>
      <p className="dialog-body">{t('vault.codesIntro')}</p>
      <dl className="vault-code-list">
        {copies.map((copy) => (
          <div key={copy.itemId}>
            <dt>{copy.address}</dt>
            <dd>
              <code className="vault-code">{copy.code}</code>
              <span className="muted"> · {t('vault.until', { date: formatDateTime(lang, copy.expiresAt) })}</span>
            </dd>
          </div>
        ))}
      </dl>
      <div className="dialog-actions">
        <button type="button" className="btn btn-primary" onClick={onClose} autoFocus>
          {t('vault.codesDone')}
        </button>
      </div>
    </dialog>
  );
}
