// What changed in an asset's published text from one version to another: how many words, the change note,
// and each changed paragraph with its insertions and deletions marked (no authors: an asset's text is
// published, not co-edited).

import { t } from "../i18n";
import { formatNumber } from "../i18n/format";
import { h } from "../ui/dom";
import type { AssetDiff } from "./types";

export function assetDiff(diff: AssetDiff): HTMLElement {
  const changes = diff.changes.map((change) =>
    h(
      "div",
      { class: `diff-change diff-change-${change.kind.toLowerCase()}`, "data-testid": "asset-diff-change", translate: "no" },
      ...change.segments.map((part) =>
        part.op === "EQUAL"
          ? document.createTextNode(part.text)
          : part.op === "INSERTED"
            ? h("ins", { class: "diff-inserted", title: t("versions.diff.added") }, part.text)
            : h("del", { class: "diff-deleted", title: t("versions.diff.deleted") }, part.text),
      ),
    ),
  );
  return h(
    "section",
    { class: "asset-diff card", "data-testid": "asset-diff", "aria-labelledby": "asset-diff-heading" },
    h("h2", { id: "asset-diff-heading" }, t("knowledge.diff.heading", { from: diff.from.version, to: diff.to.version })),
    h("p", { class: "diff-summary" }, t("knowledge.diff.summary", { inserted: formatNumber(diff.insertedWords), deleted: formatNumber(diff.deletedWords) })),
    diff.to.changeNote ? h("p", { class: "asset-change-note" }, `${t("knowledge.diff.note")} `, h("span", { translate: "no" }, diff.to.changeNote)) : null,
    ...(changes.length ? changes : [h("p", { class: "empty" }, t("knowledge.diff.none"))]),
  );
}
