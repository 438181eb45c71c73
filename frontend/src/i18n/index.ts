// The UI's languages: Simplified Chinese and English through i18next, with the messages bundled (one JSON
// file per language under locales/), so the strict Content-Security-Policy needs no extra fetch or script.
// The language follows the browser unless the person chose one in the header (kept in localStorage).

import i18next from "i18next";
import en from "./locales/en.json";
import zhCN from "./locales/zh-CN.json";

export type Language = "zh-CN" | "en";
export const LANGUAGES: readonly Language[] = ["zh-CN", "en"];

const STORAGE_KEY = "warroom.language";

declare global {
  interface Window {
    /** Keys `t()` could not find ("<language>:<key>"), for tests and for whoever opens the console. */
    __i18nMissing?: string[];
  }
}

/**
 * The language for a browser's preferences (`navigator.languages`, most preferred first): the first that is
 * Chinese (any `zh*`, traditional included) or English decides; a browser with neither gets English.
 */
export function browserLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split(/[-_]/, 1)[0];
    if (primary === "zh") return "zh-CN";
    if (primary === "en") return "en";
  }
  return "en";
}

function storedLanguage(): Language | null {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return LANGUAGES.find((lng) => lng === stored) ?? null;
  } catch {
    return null; // storage may be off (a locked-down browser): the browser's language then
  }
}

function preferredLanguages(): readonly string[] {
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

const missing: string[] = (window.__i18nMissing ??= []);

void i18next.init({
  resources: { en: { translation: en }, "zh-CN": { translation: zhCN } },
  lng: storedLanguage() ?? browserLanguage(preferredLanguages()),
  fallbackLng: "en",
  supportedLngs: LANGUAGES,
  load: "currentOnly",
  // Resources are bundled: init and changeLanguage finish synchronously, so `t` works at once.
  initAsync: false,
  // Translations become text nodes and attributes, never HTML: escaping would show "&amp;".
  interpolation: { escapeValue: false },
  // No backend to save to: saveMissing only makes i18next call missingKeyHandler.
  saveMissing: true,
  missingKeyHandler: (languages, _namespace, key) => {
    const entry = `${i18next.language}:${key}`;
    if (!missing.includes(entry)) missing.push(entry);
    console.warn(`Missing translation ${entry} (tried ${languages.join(", ")})`);
  },
});

// `{{role, lowercase}}`: English puts a role name mid-sentence in lower case ("has the editor role").
i18next.services.formatter?.add("lowercase", (value) => String(value).toLocaleLowerCase());

/** Translates a key of locales/*.json (typed: an unknown key does not compile). */
export const t = i18next.t.bind(i18next);

/** Translates a key made at run time (a server's error code): check it with `hasMessage` first. */
export function translate(key: string, values: Record<string, unknown> = {}): string {
  return (i18next.t as unknown as (key: string, options: object) => string)(key, values);
}

/** Whether `key` has a message (for keys made at run time, such as a server's error code). */
export function hasMessage(key: string): boolean {
  return i18next.exists(key);
}

export function language(): Language {
  return i18next.language === "zh-CN" ? "zh-CN" : "en";
}

const listeners = new Set<(lng: Language) => void>();

/** Calls `listener` after the language changed; returns a function that stops. */
export function onLanguageChange(listener: (lng: Language) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function markDocument(): void {
  document.documentElement.lang = language();
}

/** Switches the UI to `lng`, remembers the choice, and tells the pages to render again. */
export function setLanguage(lng: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // not remembered, but switched all the same
  }
  if (lng === language()) return;
  void i18next.changeLanguage(lng);
  markDocument();
  for (const listener of [...listeners]) listener(lng);
}

markDocument();

/** A message in every language, for a search that matches whichever language a person types in. */
export function inEveryLanguage(key: string): string[] {
  return LANGUAGES.map((lng) => (i18next.getFixedT(lng) as unknown as (key: string) => string)(key));
}
