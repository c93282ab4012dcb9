import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { da } from './da';
import { Dictionary, en, MessageKey } from './en';
import { nl } from './nl';

export type { MessageKey };

/**
 * English, Dutch and Danish. The Dutch and Danish labels are the seeds' own terms (the SuperOffice help pages in
 * shared/seeds): Licenties / Licenser, Diensten met datalimiet / Forbrugstjenester, Systeemmeldingen /
 * Systemmeddelelser, Geactiveerd door / Aktiveret af, Overbodige licenties verwijderen, …
 */
export const LANGUAGES = { en: 'English', nl: 'Nederlands', da: 'Dansk' } as const;
export type Language = keyof typeof LANGUAGES;
const DICTIONARIES: Record<Language, Dictionary> = { en, nl, da };

export type Translate = (key: MessageKey, values?: Record<string, unknown>) => string;

export function translator(language: Language): Translate {
  const dictionary = DICTIONARIES[language];
  return (key, values = {}) => dictionary[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}

export const LanguageContext = createContext<{ language: Language; t: Translate }>({ language: 'en', t: translator('en') });
export const useT = () => useContext(LanguageContext).t;
export const useLanguage = () => useContext(LanguageContext).language;

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && value in LANGUAGES;
}

export function formatDate(value: string | null, language: Language): string {
  if (!value) return '—';
  return new Date(value).toLocaleString(language === 'en' ? 'en-GB' : language === 'nl' ? 'nl-NL' : 'da-DK', { timeZone: 'UTC' });
}
