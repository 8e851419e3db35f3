import { useId, useState } from 'react';
import type { DirectoryFilters, DirectoryVocabulary } from '../../api/types.ts';
import { Icon } from '../../components/Icon.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { departmentLabel, DIRECTORY_KINDS, FILTER_NAMES, kindLabel } from '../../lib/directory.ts';

type Props = {
  filters: DirectoryFilters;
  vocabulary: DirectoryVocabulary | undefined;
  /** `typing`: a text field changed (searched once typing pauses); otherwise at once. */
  onChange(filters: DirectoryFilters, typing: boolean): void;
  onClear(): void;
};

/**
 * Profession, speciality, department, postcode, mailbox kind and structure. A list the directory
 * has no value for is left out; on a phone the filters fold behind a button.
 */
export function Filters({ filters, vocabulary, onChange, onClear }: Props) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const id = useId();
  const active = FILTER_NAMES.filter((name) => filters[name]).length;
  const set = (name: keyof DirectoryFilters, value: string, typing = false) => onChange({ ...filters, [name]: value || undefined }, typing);

  const professions = vocabulary?.professions ?? [];
  const specialities = vocabulary?.specialities ?? [];
  const departments = vocabulary?.departments ?? [];
  const kinds = vocabulary?.kinds.length ? vocabulary.kinds : [...DIRECTORY_KINDS];
  // A value from the address that the lists do not hold (yet) stays choosable.
  const withCurrent = (codes: string[], current: string | undefined) => (current && !codes.includes(current) ? [current, ...codes] : codes);

  return (
    <div className="dir-filters-wrap">
      <button type="button" className="btn dir-filters-toggle" aria-expanded={open} aria-controls={`${id}-filters`} onClick={() => setOpen((value) => !value)}>
        <Icon name="filter" size={16} />
        {active > 0 ? t('directory.filtersActive', { n: active }) : t('directory.filters')}
        <Icon name={open ? 'chevronDown' : 'chevronRight'} size={16} />
      </button>
      <fieldset id={`${id}-filters`} className="dir-filters" data-open={open ? 'true' : 'false'}>
        <legend className="sr-only">{t('directory.filters')}</legend>
        {professions.length > 0 || filters.profession ? (
          <div className="field">
            <label htmlFor={`${id}-profession`}>{t('directory.profession')}</label>
            <select id={`${id}-profession`} value={filters.profession ?? ''} onChange={(event) => set('profession', event.target.value)}>
              <option value="">{t('directory.anyFeminine')}</option>
              {withCurrent(professions.map((item) => item.code), filters.profession).map((code) => (
                <option key={code} value={code}>
                  {professions.find((item) => item.code === code)?.label ?? code}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {specialities.length > 0 || filters.speciality ? (
          <div className="field">
            <label htmlFor={`${id}-speciality`}>{t('directory.speciality')}</label>
            <select id={`${id}-speciality`} value={filters.speciality ?? ''} onChange={(event) => set('speciality', event.target.value)}>
              <option value="">{t('directory.anyFeminine')}</option>
              {withCurrent(specialities.map((item) => item.code), filters.speciality).map((code) => (
                <option key={code} value={code}>
                  {specialities.find((item) => item.code === code)?.label ?? code}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {departments.length > 0 || filters.department ? (
          <div className="field">
            <label htmlFor={`${id}-department`}>{t('directory.department')}</label>
            <select id={`${id}-department`} value={filters.department ?? ''} onChange={(event) => set('department', event.target.value)}>
              <option value="">{t('directory.anyMasculine')}</option>
              {withCurrent(departments, filters.department).map((code) => (
                <option key={code} value={code}>
                  {departmentLabel(code)}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-postcode`}>{t('directory.postcode')}</label>
          <input
            id={`${id}-postcode`}
            type="text"
            inputMode="numeric"
            autoComplete="off"
            maxLength={5}
            placeholder={t('directory.postcodePlaceholder')}
            value={filters.postcode ?? ''}
            // Digits only: the API takes a postcode or its first digits.
            onChange={(event) => set('postcode', event.target.value.replace(/\D/g, ''), true)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-kind`}>{t('directory.kind')}</label>
          <select id={`${id}-kind`} value={filters.kind ?? ''} onChange={(event) => set('kind', event.target.value)}>
            <option value="">{t('directory.anyMasculine')}</option>
            {withCurrent(kinds, filters.kind).map((kind) => (
              <option key={kind} value={kind}>
                {kindLabel(t, kind)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-structure`}>{t('directory.structure')}</label>
          <input
            id={`${id}-structure`}
            type="text"
            autoComplete="off"
            spellCheck={false}
            maxLength={20}
            placeholder={t('directory.structurePlaceholder')}
            value={filters.structure ?? ''}
            // FINESS and SIRET numbers are often pasted with spaces.
            onChange={(event) => set('structure', event.target.value.replace(/[^0-9A-Za-z]/g, ''), true)}
          />
        </div>
        {active > 0 ? (
          <div className="dir-filters-clear">
            <button type="button" className="btn btn-quiet btn-small" onClick={onClear}>
              <Icon name="close" size={14} />
              {t('directory.clearFilters')}
            </button>
          </div>
        ) : null}
      </fieldset>
    </div>
  );
}
