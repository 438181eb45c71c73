// One asset in a list (the library, a cluster's related assets): its title linking to its page, summary, tags,
// version, audience, how many subscribe and how many cases started from it.

import { t } from "../i18n";
import { formatNumber } from "../i18n/format";
import { knowledgePath } from "../router";
import { h } from "../ui/dom";
import { timeElement } from "../ui/time";
import type { AssetSummary } from "./types";

export function tagList(tags: readonly string[]): HTMLElement | null {
  return tags.length ? h("ul", { class: "asset-tags", "aria-label": t("knowledge.tags"), translate: "no" }, ...tags.map((tag) => h("li", { class: "badge" }, tag))) : null;
}

export function assetFacts(asset: AssetSummary): HTMLElement {
  return h(
    "p",
    { class: "asset-facts hint" },
    h("span", { "data-testid": "asset-version" }, t("knowledge.version", { version: asset.version })),
    " · ",
    t(`knowledge.audience.${asset.audience}`),
    " · ",
    h("span", { "data-testid": "asset-subscribers" }, t("knowledge.subscribers", { count: asset.subscriberCount})),
    " · ",
    h("span", { "data-testid": "asset-reuses" }, t("knowledge.reuses", { count: asset.reuseCount})),
    " · ",
    timeElement(asset.updatedAt),
  );
}

/** `score`: how close in meaning, for a search by meaning. */
export function assetCard(asset: AssetSummary, score: number | null = null): HTMLElement {
  return h(
    "li",
    { class: "asset-card card", "data-testid": "asset", "data-asset-id": asset.id },
    h(
      "h2",
      { class: "asset-title" },
      h("a", { href: `#${knowledgePath(asset.id)}`, "data-testid": "asset-link", translate: "no" }, asset.title),
      score !== null ? h("span", { class: "badge asset-score", title: t("knowledge.scoreTip") }, formatNumber(score, { maximumFractionDigits: 2, minimumFractionDigits: 2 })) : null,
    ),
    asset.summary ? h("p", { class: "asset-summary", translate: "no" }, asset.summary) : null,
    tagList(asset.tags),
    assetFacts(asset),
  );
}
