// Types `t()` by the English messages: a key that is not in locales/en.json is a compile error.
// (tests/frontend/test_locales.py checks that zh-CN.json has the same keys.)

import "i18next";
import type en from "./locales/en.json";

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: typeof en };
  }
}
