// The language switch of the header (and the sign-in page): 中文 / EN. Each name is written in its own
// language, as language pickers do, so it is not translated.

import { h } from "../ui/dom";
import { language, LANGUAGES, setLanguage, t, type Language } from "./index";

const NAMES: Record<Language, { short: string; full: string }> = {
  "zh-CN": { short: "中文", full: "简体中文" },
  en: { short: "EN", full: "English" },
};

export function languageSwitch(): HTMLElement {
  const current = language();
  return h(
    "div",
    { class: "language-switch", role: "group", "aria-label": t("shell.language"), "data-testid": "language-switch" },
    ...LANGUAGES.map((lng) =>
      h(
        "button",
        {
          type: "button",
          class: "language-option",
          lang: lng,
          title: NAMES[lng].full,
          "data-lang": lng,
          "aria-pressed": String(lng === current),
          onclick: () => setLanguage(lng),
        },
        NAMES[lng].short,
      ),
    ),
  );
}
