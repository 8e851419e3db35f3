import type { Language } from '../api/types.ts';
import { useI18n } from '../i18n/index.tsx';

/** FR / EN as two toggle buttons; the change applies at once. */
export function LanguageSwitch({ onChange, className }: { onChange?: (language: Language) => void; className?: string }) {
  const { lang, setLanguage, t } = useI18n();
  const choose = (language: Language) => {
    setLanguage(language);
    onChange?.(language);
  };
  return (
    <div className={`lang-switch ${className ?? ''}`} role="group" aria-label={t('language.label')}>
      {(['fr', 'en'] as const).map((language) => (
        <button
          key={language}
          type="button"
          lang={language}
          aria-pressed={lang === language}
          onClick={() => choose(language)}
        >
          {language.toUpperCase()}
          <span className="sr-only"> – {t(`language.${language}`)}</span>
        </button>
      ))}
    </div>
  );
}
