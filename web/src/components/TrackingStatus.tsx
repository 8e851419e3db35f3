import type { Tracking, TrackingRecipient } from '../api/types.ts';
import { useI18n } from '../i18n/index.tsx';
import { formatDateTime } from '../i18n/format.ts';
import type { TrackingSummary } from '../lib/trackingCache.ts';
import { Icon } from './Icon.tsx';

export function TrackingBadge({ summary }: { summary: TrackingSummary }) {
  const { t } = useI18n();
  if (summary.failed > 0)
    return (
      <span className="status status-failed">
        <Icon name="alert" size={14} />
        {t('tracking.hasFailed', { n: summary.failed })}
      </span>
    );
  if (summary.queued > 0)
    return (
      <span className="status status-queued">
        <Icon name="clock" size={14} />
        {t('tracking.pending')}
      </span>
    );
  if (summary.total > 0 && summary.opened === summary.total)
    return (
      <span className="status status-opened">
        <Icon name="checks" size={14} />
        {t('tracking.allOpened')}
      </span>
    );
  if (summary.opened > 0)
    return (
      <span className="status status-partial">
        <Icon name="eye" size={14} />
        {t('tracking.someOpened', { opened: summary.opened, total: summary.total })}
      </span>
    );
  return (
    <span className="status status-delivered">
      <Icon name="check" size={14} />
      {t('tracking.noneOpened')}
    </span>
  );
}

function DeliveryCell({ recipient }: { recipient: TrackingRecipient }) {
  const { t, lang } = useI18n();
  if (recipient.state === 'failed')
    return (
      <span className="status-text failed">
        <Icon name="alert" size={14} />
        {t('tracking.failed')}
      </span>
    );
  if (recipient.state === 'queued' || !recipient.deliveredAt)
    return (
      <span className="status-text queued">
        <Icon name="clock" size={14} />
        {t('tracking.queued')}
      </span>
    );
  return (
    <span className="status-text delivered">
      <Icon name="check" size={14} />
      {t('tracking.delivered', { date: formatDateTime(lang, recipient.deliveredAt) })}
    </span>
  );
}

function OpeningCell({ recipient }: { recipient: TrackingRecipient }) {
  const { t, lang } = useI18n();
  if (recipient.openedAt)
    return (
      <span className="status-text opened">
        <Icon name="eye" size={14} />
        {t('tracking.opened', { date: formatDateTime(lang, recipient.openedAt) })}
      </span>
    );
  return <span className="status-text muted">{t('tracking.notOpened')}</span>;
}

/** An address that may wrap before its domain rather than mid-word. */
function AddressText({ address }: { address: string }) {
  const at = address.indexOf('@');
  if (at < 0) return <>{address}</>;
  return (
    <>
      {address.slice(0, at)}
      <wbr />
      {address.slice(at)}
    </>
  );
}

/** Per recipient: delivered when, opened when (the "Suivi" of a sent message). */
export function TrackingTable({ tracking, caption }: { tracking: Tracking; caption?: string }) {
  const { t } = useI18n();
  return (
    <table className="tracking-table">
      {caption ? <caption className="sr-only">{caption}</caption> : null}
      <thead>
        <tr>
          <th scope="col">{t('tracking.recipient')}</th>
          <th scope="col">{t('tracking.kind')}</th>
          <th scope="col">{t('tracking.delivery')}</th>
          <th scope="col">{t('tracking.opening')}</th>
        </tr>
      </thead>
      <tbody>
        {tracking.recipients.map((recipient) => (
          <tr key={`${recipient.kind}:${recipient.address}`}>
            <th scope="row" className="tracking-address">
              <AddressText address={recipient.address} />
            </th>
            <td data-label={t('tracking.kind')}>
              <span className="kind-chip">{t(`tracking.kind.${recipient.kind}`)}</span>
            </td>
            <td data-label={t('tracking.delivery')}>
              <DeliveryCell recipient={recipient} />
            </td>
            <td data-label={t('tracking.opening')}>
              <OpeningCell recipient={recipient} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

