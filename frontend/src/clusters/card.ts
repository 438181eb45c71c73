// One cluster as a card: label, size, keywords, weekly trend, where it comes from, representative examples.

import type { Cluster } from "../painpoints/types";
import { t } from "../i18n";
import { formatNames } from "../i18n/format";
import { h } from "../ui/dom";
import { sparkline } from "./sparkline";

export function clusterCard(cluster: Cluster, onOpen: (cluster: Cluster) => void): HTMLElement {
  const lastWeek = cluster.trend.length ? cluster.trend[cluster.trend.length - 1].count : 0;
  const customers =
    cluster.customers.length > 3
      ? t("clusters.card.andMore", { names: formatNames(cluster.customers.slice(0, 3)), count: cluster.customers.length - 3 })
      : formatNames(cluster.customers);
  return h(
    "article",
    { class: "cluster-card", "data-testid": "cluster-card", "data-cluster-id": cluster.id, "aria-labelledby": `cluster-${cluster.id}` },
    h(
      "header",
      { class: "cluster-card-head" },
      h("h2", { id: `cluster-${cluster.id}` }, cluster.label),
      h("span", { class: "badge cluster-size", "data-testid": "cluster-size", title: t("clusters.card.sizeTitle") }, t("clusters.painPoints", { count: cluster.size })),
    ),
    h("ul", { class: "keywords", "aria-label": t("clusters.card.keywords") }, ...cluster.keywords.slice(0, 8).map((keyword) => h("li", {}, keyword))),
    h("div", { class: "cluster-trend" }, sparkline(cluster.trend), h("span", { class: "hint" }, t("clusters.card.thisWeek", { count: lastWeek }))),
    h("p", { class: "hint cluster-reach" }, `${t("clusters.cases", { count: cluster.caseCount })}${customers ? ` · ${customers}` : ""}`),
    h(
      "ol",
      { class: "representatives", "aria-label": t("clusters.card.examples") },
      ...cluster.representatives.slice(0, 5).map((example) => h("li", { "data-pain-point-id": example.id }, example.text)),
    ),
    h("button", { type: "button", class: "button-quiet open-cluster", onclick: () => onOpen(cluster) }, t("clusters.card.open")),
  );
}
