// One cluster opened: its keywords with their weights, trend, and every member a page at a time.

import { request } from "../api/client";
import { PainPointClusterDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import type { ClusterDetail, ClusterFilter } from "../painpoints/types";
import { h, replaceChildren } from "../ui/dom";
import { plural } from "../ui/plural";
import { pagedPainPoints } from "./members";
import { sparkline } from "./sparkline";

const PAGE_SIZE = 10;

export function clusterDetail(id: string, filter: ClusterFilter, canAdopt: boolean, onBack: () => void): HTMLElement {
  const head = h("div", { class: "cluster-detail-head" }, h("p", { class: "loading" }, "Opening the cluster…"));
  const members = pagedPainPoints({
    label: "Pain points in this cluster",
    pageSize: PAGE_SIZE,
    canAdopt,
    emptyText: "No pain points of this cluster match the filter.",
    fetch: async (first, after) => {
      const { painPointCluster } = await request(PainPointClusterDocument, { id, filter, first, after });
      showHead(painPointCluster);
      return painPointCluster.painPoints;
    },
  });
  let shown = false;

  function showHead(cluster: ClusterDetail): void {
    if (shown) return;
    shown = true;
    const top = Math.max(...cluster.keywordScores.map((k) => k.score), 0);
    replaceChildren(
      head,
      h("h2", {}, cluster.label),
      h("p", { class: "hint" }, `${plural(cluster.size, "pain point", "pain points")} from ${plural(cluster.caseCount, "case", "cases")}${cluster.customers.length ? ` · ${cluster.customers.join(", ")}` : ""}`),
      h(
        "ul",
        { class: "keywords keyword-scores", "aria-label": "Keywords and their weight" },
        ...cluster.keywordScores.slice(0, 12).map((k) =>
          h("li", { title: `weight ${k.score.toFixed(3)}`, style: `--weight:${top > 0 ? (k.score / top).toFixed(2) : "0"}` }, k.term),
        ),
      ),
      sparkline(cluster.trend, 320, 56),
    );
  }

  void members.reload().catch((error: unknown) => replaceChildren(head, h("p", { class: "notice notice-error" }, errorMessage(error))));
  return h(
    "section",
    { class: "cluster-detail card", "data-testid": "cluster-detail", "data-cluster-id": id },
    h("button", { type: "button", class: "button-quiet back", onclick: onBack }, "← All clusters"),
    head,
    h("h3", {}, "Pain points"),
    members.el,
  );
}
