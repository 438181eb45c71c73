// R&D's view of the team's pain points: cluster cards (filterable), one cluster's members, the
// unclustered ones, adopting a pain point, and re-clustering now with its progress.

import "../styles/painpoints.css";
import "../styles/clusters.css";
import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { clusterCard } from "../clusters/card";
import { clusterDetail } from "../clusters/detail";
import { filtersForm } from "../clusters/filters";
import { pagedPainPoints } from "../clusters/members";
import { reclusterControl } from "../clusters/recluster";
import type { ClusterFilter, ClusterPage, PainPoint } from "../painpoints/types";
import { getUser } from "../session";
import { h, replaceChildren } from "../ui/dom";
import { keepTimesFresh } from "../ui/fresh-times";
import { noticeArea } from "../ui/notice";
import type { Page } from "../ui/page";
import { timeElement } from "../ui/time";

const CLUSTERS_PER_PAGE = 12;
const UNCLUSTERED_PER_PAGE = 20;

export function clustersPage(): Page {
  // Only R&D may adopt (the server says FORBIDDEN to anyone else); others read the clusters of their cases.
  const canAdopt = getUser()?.role === "RD";
  let filter: ClusterFilter = {};
  let cursor: string | null = null;

  const notice = noticeArea();
  const runLine = h("p", { class: "hint run-line", "data-testid": "cluster-run" });
  const cards = h("div", { class: "cluster-cards", "aria-live": "polite" });
  const moreClusters = h("button", { type: "button", class: "button-quiet", hidden: true }, "Show more clusters");
  const unclusteredHeading = h("h2", { id: "unclustered-heading" }, "Not in any cluster");
  const unclustered = pagedPainPoints({
    label: "Pain points in no cluster",
    pageSize: UNCLUSTERED_PER_PAGE,
    canAdopt,
    emptyText: "Every pain point that matches is in a cluster.",
    fetch: async (first, after) => {
      const data = await request<{ painPointClusters: { unclusteredCount: number; unclustered: PainPoint[] } }>("UnclusteredPainPoints", { filter, first, after });
      unclusteredHeading.textContent = `Not in any cluster (${data.painPointClusters.unclusteredCount.toLocaleString()})`;
      return data.painPointClusters.unclustered;
    },
  });
  const overview = h(
    "div",
    { class: "clusters-overview" },
    cards,
    moreClusters,
    h("section", { class: "unclustered card", "aria-labelledby": "unclustered-heading", "data-testid": "unclustered" }, unclusteredHeading, unclustered.el),
  );
  const detailHolder = h("div", { class: "cluster-detail-holder", hidden: true });

  function showRun(page: ClusterPage): void {
    const run = page.run;
    if (!run) {
      replaceChildren(runLine, "Your team's pain points have not been clustered yet. Re-cluster to group them.");
      return;
    }
    replaceChildren(
      runLine,
      "Clustered ",
      timeElement(run.createdAt),
      ` · ${run.painPointCount.toLocaleString()} pain points in ${run.clusterCount.toLocaleString()} clusters, ${run.unclusteredCount.toLocaleString()} in none · ${run.method}, ${run.model}`,
    );
  }

  async function loadClusters(reset: boolean): Promise<void> {
    moreClusters.disabled = true;
    try {
      const { painPointClusters } = await request<{ painPointClusters: ClusterPage }>("PainPointClusters", {
        filter,
        first: CLUSTERS_PER_PAGE,
        after: reset ? null : cursor,
        members: 1, // the cards show representatives; members load when a cluster is opened
      });
      showRun(painPointClusters);
      const built = painPointClusters.nodes.map((cluster) => clusterCard(cluster, (chosen) => openCluster(chosen.id)));
      if (reset) replaceChildren(cards, ...built);
      else cards.append(...built);
      if (cards.childElementCount === 0) {
        cards.append(h("p", { class: "empty", "data-testid": "no-clusters" }, painPointClusters.run ? "No cluster matches the filter." : "No clusters yet."));
      }
      cursor = painPointClusters.pageInfo.endCursor;
      moreClusters.hidden = !painPointClusters.pageInfo.hasNextPage;
      notice.clear();
    } catch (error) {
      notice.show(errorMessage(error));
    } finally {
      moreClusters.disabled = false;
    }
  }

  function reloadAll(): void {
    showOverview();
    void loadClusters(true);
    void unclustered.reload();
  }

  function showOverview(): void {
    detailHolder.hidden = true;
    replaceChildren(detailHolder);
    overview.hidden = false;
  }

  function openCluster(id: string): void {
    overview.hidden = true;
    replaceChildren(detailHolder, clusterDetail(id, filter, canAdopt, showOverview));
    detailHolder.hidden = false;
    window.scrollTo({ top: 0 });
  }

  const recluster = reclusterControl(reloadAll);
  moreClusters.addEventListener("click", () => void loadClusters(false));
  reloadAll();

  const el = h(
    "div",
    { class: "clusters-page" },
    h(
      "header",
      { class: "clusters-head" },
      h("div", {}, h("h1", {}, "Pain-point clusters"), runLine),
      recluster.el,
    ),
    canAdopt ? null : h("p", { class: "hint" }, "You see the clusters of your own cases. Only R&D can adopt a pain point."),
    filtersForm((chosen) => {
      filter = chosen;
      reloadAll();
    }),
    notice.el,
    overview,
    detailHolder,
  );
  const stopTimes = keepTimesFresh(el);
  return {
    el,
    dispose() {
      recluster.dispose();
      stopTimes();
    },
  };
}
