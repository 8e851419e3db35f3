import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Language } from '../api/types.ts';
import { en } from './en.ts';
import { fr, type MessageKey } from './fr.ts';

export type { MessageKey };

const DICTIONARIES: Record<Language, Record<MessageKey, string>> = { fr, en };
const LANGUAGE_KEY = 'missive.language';

export type Vars = Record<string, string | number>;

export function translate(language: Language, key: MessageKey, vars?: Vars): string {
  const text = DICTIONARIES[language][key] ?? fr[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : text;
}

/** The language before anyone logs in: last choice on this device, else the browser's, else French. */
export function initialLanguage(): Language {
  try {
    const stored = localStorage.getItem(LANGUAGE_KEY);
    if (stored === 'fr' || stored === 'en') return stored;
  } catch {
    // Storage disabled: fall through.
  }
  return navigator.language?.toLowerCase().startsWith('en') ? 'en' : 'fr';
}

export type I18n = {
  lang: Language;
  locale: string;
  setLanguage(language: Language): void;
  t(key: MessageKey, vars?: Vars): string;
  /** `${base}.one` or `${base}.other` by the count, with {n} filled in. */
  tn(base: string, n: number, vars?: Vars): string;
};

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLang] = useState<Language>(initialLanguage);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const setLanguage = useCallback((language: Language) => {
    setLang(language);
    try {
      localStorage.setItem(LANGUAGE_KEY, language);
    } catch {
      // Only this page keeps it then.
    }
  }, []);

  const value = useMemo<I18n>(() => {
    const t = (key: MessageKey, vars?: Vars) => translate(lang, key, vars);
    const one = lang === 'fr' ? (n: number) => n <= 1 : (n: number) => n === 1;
    return {
      lang,
      locale: lang === 'fr' ? 'fr-FR' : 'en-GB',
      setLanguage,
      t,
      tn: (base, n, vars) => t(`${base}.${one(n) ? 'one' : 'other'}` as MessageKey, { n, ...vars }),
    };
  }, [lang, setLanguage]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const context = useContext(I18nContext);
  if (!context) throw new Error('useI18n outside I18nProvider');
  return context;
}
