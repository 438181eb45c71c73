// One cluster opened: its keywords with their weights, trend, and every member a page at a time; for R&D
// and admins also renaming it, adopting it as a requirement proposal, and its correction history.

import { request } from "../api/client";
import { ClusterKnowledgeAssetsDocument, PainPointClusterDocument, RenameClusterDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import type { ClusterDetail, ClusterFilter } from "../painpoints/types";
import { t } from "../i18n";
import { formatNames, formatNumber } from "../i18n/format";
import { h, replaceChildren } from "../ui/dom";
import { formDialog } from "../ui/form-dialog";
import { assetCard } from "../knowledge/card";
import { adoptClusterControl } from "./adopt-cluster";
import { correctionHistory } from "./corrections";
import { moveControl } from "./move";
import { pagedPainPoints } from "./members";
import { sparkline } from "./sparkline";

const PAGE_SIZE = 10;

/** `canShape`: the person may correct and adopt the cluster (R&D, admins). */
export function clusterDetail(id: string, filter: ClusterFilter, canAdopt: boolean, canShape: boolean, onBack: () => void): HTMLElement {
  const title = h("h2", { "data-testid": "cluster-label" });
  const history = canShape ? correctionHistory(id) : null;
  const head = h("div", { class: "cluster-detail-head" }, h("p", { class: "loading" }, t("clusters.detail.opening")));
  const members = pagedPainPoints({
    label: t("clusters.detail.label"),
    pageSize: PAGE_SIZE,
    canAdopt,
    emptyText: t("clusters.detail.empty"),
    action: canShape
      ? (painPoint, row) =>
          moveControl(id, painPoint, () => {
            row.remove();
            void history?.reload();
          })
      : undefined,
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
    title.textContent = cluster.label;
    replaceChildren(
      head,
      title,
      canShape ? actions() : null,
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

  function rename(): void {
    void formDialog({
      title: t("clusters.rename.title"),
      fields: [
        { name: "label", label: t("clusters.rename.label"), value: title.textContent ?? "", required: true, maxLength: 300 },
        { name: "reason", label: t("clusters.rename.reason"), placeholder: t("clusters.rename.reasonPlaceholder") },
      ],
      confirmLabel: t("clusters.rename.confirm"),
      testId: "rename-cluster-dialog",
      run: async ({ label, reason }) => (await request(RenameClusterDocument, { id, label, reason: reason || null })).renameCluster,
    }).then((renamed) => {
      if (!renamed) return;
      const data = renamed.data as { label?: string } | null;
      title.textContent = data?.label ?? title.textContent;
      void history?.reload();
    });
  }

  function actions(): HTMLElement {
    return h(
      "div",
      { class: "cluster-actions" },
      h("button", { type: "button", class: "button-quiet", "data-testid": "rename-cluster", onclick: rename }, t("clusters.rename.button")),
      adoptClusterControl(id, () => title.textContent ?? "", () => void members.reload()),
    );
  }

  // The playbooks closest in meaning to the cluster's problem (knowledge assets in the person's audience).
  const related = h("ul", { class: "asset-list", "data-testid": "cluster-assets", "aria-busy": "true" }, h("li", { class: "loading" }, t("common.loading")));
  request(ClusterKnowledgeAssetsDocument, { id })
    .then(({ painPointCluster }) => {
      const cards = painPointCluster.relatedKnowledgeAssets.map((match) => assetCard(match.asset, match.score));
      replaceChildren(related, ...(cards.length ? cards : [h("li", { class: "empty" }, t("clusters.detail.noAssets"))]));
    })
    .catch((error: unknown) => replaceChildren(related, h("li", { class: "notice notice-error" }, errorMessage(error))))
    .finally(() => related.setAttribute("aria-busy", "false"));

  void history?.reload();
  void members.reload().catch((error: unknown) => replaceChildren(head, h("p", { class: "notice notice-error" }, errorMessage(error))));
  return h(
    "section",
    { class: "cluster-detail card", "data-testid": "cluster-detail", "data-cluster-id": id },
    h("button", { type: "button", class: "button-quiet back", onclick: onBack }, t("clusters.detail.back")),
    head,
    h("h3", {}, t("clusters.detail.painPoints")),
    members.el,
    h("h3", {}, t("clusters.detail.assets")),
    related,
    history?.el,
  );
}
