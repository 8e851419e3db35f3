import { useCallback, useEffect, useState } from 'react';
import type { VaultCopy } from '../api/types.ts';
import { renewVaultCopy, revokeVaultCopy, vaultCopies } from '../api/vault.ts';
import { useI18n } from '../i18n/index.tsx';
import { formatDateTime } from '../i18n/format.ts';
import { errorText } from '../lib/errors.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { useToaster } from './Toaster.tsx';

/**
 * Suivi, for recipients outside the trust space: each vault copy's state (waiting, opened when,
 * expired, withdrawn, blocked), and the sender's two actions: withdraw it, or make a new code
 * (shown here when it is for the sender to dictate; a new link too if the first never left).
 */
export function VaultCopies({ messageId }: { messageId: string }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { notify } = useToaster();
  const [copies, setCopies] = useState<VaultCopy[] | null>(null);
  const [code, setCode] = useState<{ address: string; code: string } | null>(null);
  const [confirm, setConfirm] = useState<VaultCopy | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(() => {
    vaultCopies(messageId).then(
      (answer) => setCopies(answer.copies),
      () => setCopies([]),
    );
  }, [messageId]);
  useEffect(load, [load]);

  if (!copies || copies.length === 0) return null;

  const act = async (copy: VaultCopy, action: 'revoke' | 'renew') => {
    setBusy(copy.id);
    try {
      if (action === 'revoke') await revokeVaultCopy(messageId, copy.id);
      else {
        const renewed = await renewVaultCopy(messageId, copy.id);
        if (renewed.code) setCode({ address: copy.address, code: renewed.code });
        else notify(t('vault.renewed', { address: copy.address }), 'success');
      }
      load();
    } catch (reason) {
      notify(errorText(i18n, reason), 'error');
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="vault-copies" aria-label={t('vault.copies')}>
      <h3>{t('vault.copies')}</h3>
      <ul>
        {copies.map((copy) => (
          <li key={copy.id} className={`vault-copy vault-${copy.state}`}>
            <span className="vault-address">{copy.address}</span>
            <span className="vault-state">
              {copy.state === 'opened' && copy.openedAt ? t('vault.state.opened', { date: formatDateTime(lang, copy.openedAt) }) : t(`vault.state.${copy.state}`)}
              {copy.notifiedAt === null && copy.state === 'waiting' ? ` · ${t('vault.notNotified')}` : ''}
            </span>
            {copy.state !== 'revoked' && copy.state !== 'expired' ? (
              <span className="vault-actions">
                <button type="button" className="btn btn-quiet btn-small" disabled={busy === copy.id} onClick={() => void act(copy, 'renew')}>
                  {t('vault.renew')}
                </button>
                <button type="button" className="btn btn-quiet btn-small" disabled={busy === copy.id} onClick={() => setConfirm(copy)}>
                  {t('vault.revoke')}
                </button>
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      {code ? (
        <p className="notice vault-new-code" role="status">
          {t('vault.newCode', { address: code.address, code: code.code })}
        </p>
      ) : null}
      {confirm ? (
        <ConfirmDialog
          title={t('vault.revoke')}
          body={t('vault.revokeConfirm', { address: confirm.address })}
          confirmLabel={t('vault.revoke')}
          cancelLabel={t('common.cancel')}
          danger
          onConfirm={() => {
            const copy = confirm;
            setConfirm(null);
            void act(copy, 'revoke');
          }}
          onCancel={() => setConfirm(null)}
        />
      ) : null}
    </section>
  );
}
