import type { DirectoryCard } from '../../api/types.ts';
import { Avatar } from '../../components/Avatar.tsx';
import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { kindLabel, placeOf, practiceOf, structureOf } from '../../lib/directory.ts';

type Props = { card: DirectoryCard; headingId: string; onWrite(card: DirectoryCard): void };

/** One correspondent: who, what they practise, where, the mailbox and its kind, and "Écrire". */
export function ResultCard({ card, headingId, onWrite }: Props) {
  const { t } = useI18n();
  const practice = practiceOf(card);
  const structure = structureOf(card);
  const place = placeOf(card);
  const kind = card.kind.toUpperCase();
  const nationalId = card.nationalId && card.kind === 'PER' ? identifierOf(t, card.nationalId) : null;

  return (
    <div className="dir-card">
      <div className="dir-card-head">
        <Avatar name={card.name} address={card.address} />
        <div className="dir-card-who">
          <h3 className="dir-card-name" id={headingId}>
            {card.name}
          </h3>
          {practice ? <p className="dir-card-practice">{practice}</p> : null}
        </div>
        <span className={`badge dir-kind badge-${kind.toLowerCase()}`}>
          <span className="sr-only">{t('directory.kindPrefix')}</span>
          {kindLabel(t, kind)}
        </span>
      </div>
      <ul className="dir-card-facts">
        {structure ? (
          <li>
            <Icon name="building" size={16} />
            <span>{structure}</span>
          </li>
        ) : null}
        {place ? (
          <li>
            <Icon name="mapPin" size={16} />
            <span>{place}</span>
          </li>
        ) : null}
        <li className="dir-card-address">
          <Icon name="mail" size={16} />
          <span className="sr-only">{t('directory.mailbox')}</span>
          <span className="dir-address">{card.address}</span>
        </li>
      </ul>
      <div className="dir-card-foot">
        <span className={`dir-source dir-source-${card.source}`}>
          <Icon name={card.source === 'national' ? 'globe' : 'shield'} size={14} />
          {t(card.source === 'national' ? 'directory.source.national' : 'directory.source.regional')}
          {nationalId ? <span className="dir-id"> · {nationalId}</span> : null}
        </span>
        <button type="button" className="btn btn-primary btn-small" aria-label={t('directory.writeTo', { name: card.name })} onClick={() => onWrite(card)}>
          <Icon name="pen" size={16} />
          {t('directory.write')}
        </button>
      </div>
    </div>
  );
}

/** "RPPS 10100271385" from the national id "810100271385" (type digit, then the id). */
function identifierOf(t: ReturnType<typeof useI18n>['t'], nationalId: string): string | null {
  if (/^8\d{11}$/.test(nationalId)) return t('directory.rpps', { id: nationalId.slice(1) });
  if (/^0\d{9}$/.test(nationalId)) return t('directory.adeli', { id: nationalId.slice(1) });
  return null;
}
