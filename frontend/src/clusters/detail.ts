// One cluster opened: its keywords with their weights, trend, and every member a page at a time.

import { request } from "../api/client";
import { PainPointClusterDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import type { ClusterDetail, ClusterFilter } from "../painpoints/types";
import { t } from "../i18n";
import { formatNames, formatNumber } from "../i18n/format";
import { h, replaceChildren } from "../ui/dom";
import { pagedPainPoints } from "./members";
import { sparkline } from "./sparkline";

const PAGE_SIZE = 10;

export function clusterDetail(id: string, filter: ClusterFilter, canAdopt: boolean, onBack: () => void): HTMLElement {
  const head = h("div", { class: "cluster-detail-head" }, h("p", { class: "loading" }, t("clusters.detail.opening")));
  const members = pagedPainPoints({
    label: t("clusters.detail.label"),
    pageSize: PAGE_SIZE,
    canAdopt,
    emptyText: t("clusters.detail.empty"),
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
      h("p", { class: "hint" }, `${t("clusters.detail.from", { painPoints: t("clusters.painPoints", { count: cluster.size }), cases: t("clusters.cases", { count: cluster.caseCount }) })}${cluster.customers.length ? ` · ${formatNames(cluster.customers)}` : ""}`),
      h(
        "ul",
        { class: "keywords keyword-scores", "aria-label": t("clusters.detail.keywords") },
        ...cluster.keywordScores.slice(0, 12).map((k) =>
          h("li", { title: t("clusters.detail.weight", { score: formatNumber(k.score, { minimumFractionDigits: 3, maximumFractionDigits: 3 }) }), style: `--weight:${top > 0 ? (k.score / top).toFixed(2) : "0"}` }, k.term),
        ),
      ),
      sparkline(cluster.trend, 320, 56),
    );
  }

  void members.reload().catch((error: unknown) => replaceChildren(head, h("p", { class: "notice notice-error" }, errorMessage(error))));
  return h(
    "section",
    { class: "cluster-detail card", "data-testid": "cluster-detail", "data-cluster-id": id },
    h("button", { type: "button", class: "button-quiet back", onclick: onBack }, t("clusters.detail.back")),
    head,
    h("h3", {}, t("clusters.detail.painPoints")),
    members.el,
  );
}
