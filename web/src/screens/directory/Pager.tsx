import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/index.tsx';

type Props = { page: number; pages: number; onPage(page: number): void };

/** Previous / "Page 2 sur 7" / next. */
export function Pager({ page, pages, onPage }: Props) {
  const { t } = useI18n();
  if (pages <= 1) return null;
  return (
    <nav className="dir-pager" aria-label={t('directory.pagination')}>
      <button type="button" className="btn" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        <Icon name="chevronLeft" size={16} />
        {t('directory.previous')}
      </button>
      <span className="dir-pager-where">{t('directory.pageOfLong', { page, pages })}</span>
      <button type="button" className="btn" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t('directory.next')}
        <Icon name="chevronRight" size={16} />
      </button>
    </nav>
  );
}
