import { ApiError } from '../api/client.ts';
import type { I18n } from '../i18n/index.tsx';

/** The user-facing sentence for a failure nobody planned a specific message for. */
export function errorText(i18n: Pick<I18n, 't'>, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return i18n.t('common.network');
    if (error.status === 404 && error.message === 'no such resource') return i18n.t('common.unavailable');
  }
  return i18n.t('common.error');
}

