import type { Language } from '../api/types.ts';
import { translate } from './index.tsx';

const localeOf = (lang: Language) => (lang === 'fr' ? 'fr-FR' : 'en-GB');

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

export function formatTime(lang: Language, at: number): string {
  return new Intl.DateTimeFormat(localeOf(lang), { hour: '2-digit', minute: '2-digit' }).format(at);
}

/** For lists: today → the time; yesterday → "Hier"; this year → "22 nov."; else 22/11/2025. */
export function formatListDate(lang: Language, at: number, now = new Date()): string {
  const date = new Date(at);
  if (sameDay(date, now)) return formatTime(lang, at);
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(date, yesterday)) return translate(lang, 'date.yesterday');
  if (date.getFullYear() === now.getFullYear()) return new Intl.DateTimeFormat(localeOf(lang), { day: 'numeric', month: 'short' }).format(at);
  return new Intl.DateTimeFormat(localeOf(lang), { day: '2-digit', month: '2-digit', year: 'numeric' }).format(at);
}

/** "22/11/2026 à 10:14" */
export function formatDateTime(lang: Language, at: number): string {
  const date = new Intl.DateTimeFormat(localeOf(lang), { day: '2-digit', month: '2-digit', year: 'numeric' }).format(at);
  return translate(lang, 'date.at', { date, time: formatTime(lang, at) });
}

/** "dimanche 22 novembre 2026 à 10:14" */
export function formatLongDateTime(lang: Language, at: number): string {
  const date = new Intl.DateTimeFormat(localeOf(lang), { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(at);
  return translate(lang, 'date.at', { date, time: formatTime(lang, at) });
}

export function formatSize(lang: Language, bytes: number): string {
  const number = (value: number, digits: number) => new Intl.NumberFormat(localeOf(lang), { maximumFractionDigits: digits }).format(value);
  if (bytes < 1024) return translate(lang, 'size.b', { n: number(bytes, 0) });
  if (bytes < 1024 * 1024) return translate(lang, 'size.kb', { n: number(bytes / 1024, 0) });
  return translate(lang, 'size.mb', { n: number(bytes / (1024 * 1024), 1) });
}
