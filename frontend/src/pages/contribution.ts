// The full-width contribution page of a case (#/cases/ID/contribution): both heatmaps at the width of the
// page, every name and section title in full; the war room's tab keeps the compact version.

import { contributionPanel } from "../heatmaps/panel";
import { t } from "../i18n";
import { casePath } from "../router";
import { h } from "../ui/dom";
import type { Page } from "../ui/page";

export function contributionPage(caseId: string): Page {
  const cleanups: (() => void)[] = [];
  const subject = h("p", { class: "page-subject", "data-testid": "contribution-case" });
  const panel = contributionPanel(caseId, (cleanup) => cleanups.push(cleanup), {
    full: true,
    onTitle: (title) => {
      subject.textContent = title;
    },
  });
  const el = h(
    "div",
    { class: "contribution-page", "data-testid": "contribution-page" },
    h("a", { class: "back-link", href: `#${casePath(caseId, { tab: "contribution" })}`, "data-testid": "back-to-case" }, t("heatmaps.backToCase")),
    h("h1", {}, t("heatmaps.fullTitle")),
    subject,
    panel,
  );
  return {
    el,
    dispose() {
      for (const cleanup of cleanups) cleanup();
    },
  };
}
