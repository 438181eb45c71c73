// One cluster as a card: label, size, keywords, weekly trend, where it comes from, representative examples.

import type { Cluster } from "../painpoints/types";
import { h } from "../ui/dom";
import { plural } from "../ui/plural";
import { sparkline } from "./sparkline";

export function clusterCard(cluster: Cluster, onOpen: (cluster: Cluster) => void): HTMLElement {
  const lastWeek = cluster.trend.length ? cluster.trend[cluster.trend.length - 1].count : 0;
  const customers = cluster.customers.slice(0, 3).join(", ") + (cluster.customers.length > 3 ? ` and ${cluster.customers.length - 3} more` : "");
  return h(
    "article",
    { class: "cluster-card", "data-testid": "cluster-card", "data-cluster-id": cluster.id, "aria-labelledby": `cluster-${cluster.id}` },
    h(
      "header",
      { class: "cluster-card-head" },
      h("h2", { id: `cluster-${cluster.id}` }, cluster.label),
      h("span", { class: "badge cluster-size", "data-testid": "cluster-size", title: "Pain points in this cluster (as you may see them)" }, plural(cluster.size, "pain point", "pain points")),
    ),
    h("ul", { class: "keywords", "aria-label": "Keywords" }, ...cluster.keywords.slice(0, 8).map((keyword) => h("li", {}, keyword))),
    h("div", { class: "cluster-trend" }, sparkline(cluster.trend), h("span", { class: "hint" }, `${plural(lastWeek, "pain point", "pain points")} this week`)),
    h("p", { class: "hint cluster-reach" }, `${plural(cluster.caseCount, "case", "cases")}${customers ? ` · ${customers}` : ""}`),
    h(
      "ol",
      { class: "representatives", "aria-label": "Representative examples" },
      ...cluster.representatives.slice(0, 5).map((example) => h("li", { "data-pain-point-id": example.id }, example.text)),
    ),
    h("button", { type: "button", class: "button-quiet open-cluster", onclick: () => onOpen(cluster) }, "Open cluster"),
  );
}
