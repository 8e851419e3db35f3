import { Icon } from '../../components/Icon.tsx';
import { useToaster } from '../../components/Toaster.tsx';
import { useI18n } from '../../i18n/index.tsx';

/** A secret shown once, right after it was made: to copy now, then hide. */
export function FreshSecret(props: { message: string; secret: string; secretLabel: string; onDone: () => void }) {
  const { t } = useI18n();
  const { notify } = useToaster();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.secret);
      notify(t('secret.copied'), 'success');
    } catch {
      notify(t('secret.copyFailed'), 'error');
    }
  };
  return (
    <div className="notice notice-success app-password-fresh" role="status">
      <p>{props.message}</p>
      <p className="app-password-secret">
        <code aria-label={props.secretLabel}>{props.secret}</code>
        <button type="button" className="btn btn-small" onClick={() => void copy()}>
          <Icon name="copy" size={16} />
          {t('secret.copy')}
        </button>
      </p>
      <button type="button" className="btn btn-quiet btn-small" onClick={props.onDone}>
        {t('secret.done')}
      </button>
    </div>
  );
}
