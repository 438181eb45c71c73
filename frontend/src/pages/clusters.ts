// R&D's view of the team's pain points: cluster cards (filterable), one cluster's members, the
// unclustered ones, adopting a pain point, and re-clustering now with its progress. Live: when a run of the
// team finishes or a cluster grows (clusterEvents), the cards and the unclustered list are read again with
// the same filter, leaving an opened cluster open.

import "../styles/painpoints.css";
import "../styles/clusters.css";
import "../styles/knowledge.css";
import { request } from "../api/client";
import { PainPointClustersDocument, UnclusteredPainPointsDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { clusterCard } from "../clusters/card";
import { clusterDetail } from "../clusters/detail";
import { filtersForm } from "../clusters/filters";
import { followClusters } from "../clusters/live";
import { pagedPainPoints } from "../clusters/members";
import { reclusterControl } from "../clusters/recluster";
import type { ClusterEvent, ClusterFilter, ClusterPage } from "../painpoints/types";
import { t } from "../i18n";
import { formatNumber } from "../i18n/format";
import { slot, withNodes } from "../i18n/nodes";
import { getUser } from "../session";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import type { Page } from "../ui/page";
import { timeElement } from "../ui/time";

const CLUSTERS_PER_PAGE = 12;
const UNCLUSTERED_PER_PAGE = 20;
const MAX_PAGE = 100; // the most the API gives at once

/** What the live line says of a burst; null when nothing joined (a rename, merge, split or move: the cards
 * reload quietly, and R&D who made it see it where they made it). */
function describeChanges(events: ClusterEvent[]): string | null {
  if (events.some((event) => event.kind === "RUN_FINISHED")) return t("clusters.live.runFinished");
  const joined = events.filter((event) => event.kind === "CLUSTER_GREW" && event.added > 0);
  if (joined.length === 0) return null;
  const grown = new Set(joined.map((event) => event.clusterId)).size;
  const added = joined.reduce((sum, event) => sum + event.added, 0);
  return t("clusters.live.joined", {
    added: t("clusters.live.newPainPoints", { count: added }),
    clusters: grown === 1 ? t("clusters.live.aCluster") : t("clusters.clusterCount", { count: grown }),
  });
}

/**
 * What the cards say when there are none: a filter that matches nothing, or why nothing is clustered. The run
 * is the team's (its counts head the page); `unclusteredCount` and the cards are what the viewer may see of
 * it, so a viewer who sees none of the run is told so, never that the run formed no cluster.
 */
function noClusters(page: ClusterPage, filtered: boolean, teamWide: boolean, canRecluster: boolean): string {
  if (filtered) return t("clusters.none.filtered");
  const waiting = page.unclusteredCount;
  const run = page.run;
  if (waiting === 0) {
    if (run && run.painPointCount > 0) return t("clusters.none.seeNone", { count: run.painPointCount });
    return t(teamWide ? "clusters.none.nothingRecorded" : "clusters.none.seeNothing");
  }
  if (!run) return t(canRecluster ? "clusters.none.waiting" : "clusters.none.waitingRead", { count: waiting });
  if (run.clusterCount > 0) return t("clusters.none.notInCluster", { count: waiting });
  return t("clusters.none.formedNone", { count: waiting });
}

export function clustersPage(): Page {
  // Only R&D may adopt (the server says FORBIDDEN to anyone else); others read the clusters of their cases.
  const canAdopt = getUser()?.role === "RD";
  // Correcting clusters and adopting a whole one as a requirement proposal: R&D and admins.
  const canShape = canAdopt || getUser()?.role === "ADMIN";
  // The server lets anyone of the team ask for a re-clustering (docs/api/painpoints.md); the page offers it to
  // the people whose tool it is (R&D and admins, whom the top bar links it for), not to readers of the
  // clusters of their own cases, who may see none of what it groups.
  const canRecluster = canShape;
  let filter: ClusterFilter = {};
  let cursor: string | null = null;
  let loading = 0; // a newer load of the cards makes the answers of older ones stale

  const notice = noticeArea();
  const liveLine = h("p", { class: "hint live-line", role: "status", "data-testid": "clusters-live", hidden: true });
  const runLine = h("p", { class: "hint run-line", "data-testid": "cluster-run" });
  const cards = h("div", { class: "cluster-cards", "aria-live": "polite" });
  const moreClusters = h("button", { type: "button", class: "button-quiet", hidden: true }, t("clusters.moreClusters"));
  const unclusteredHeading = h("h2", { id: "unclustered-heading" }, t("clusters.unclustered.heading"));
  const unclustered = pagedPainPoints({
    label: t("clusters.unclustered.label"),
    pageSize: UNCLUSTERED_PER_PAGE,
    canAdopt,
    emptyText: t("clusters.unclustered.empty"),
    fetch: async (first, after) => {
      const data = await request(UnclusteredPainPointsDocument, { filter, first, after });
      unclusteredHeading.textContent = t("clusters.unclustered.headingCount", { count: formatNumber(data.painPointClusters.unclusteredCount) });
      return data.painPointClusters.unclustered;
    },
  });
  const unclusteredSection = h(
    "section",
    { class: "unclustered card", "aria-labelledby": "unclustered-heading", "data-testid": "unclustered" },
    unclusteredHeading,
    unclustered.el,
  );
  const overview = h("div", { class: "clusters-overview" }, cards, moreClusters, unclusteredSection);
  const detailHolder = h("div", { class: "cluster-detail-holder", hidden: true });

  function showRun(page: ClusterPage): void {
    const run = page.run;
    if (!run) {
      replaceChildren(runLine, t(canRecluster ? "clusters.run.neverAsk" : "clusters.run.never"));
      runLine.removeAttribute("title");
      return;
    }
    const summary = t("clusters.run.summary", {
      time: slot("time"),
      painPoints: t("clusters.painPoints", { count: run.painPointCount }),
      clusters: t("clusters.clusterCount", { count: run.clusterCount }),
      unclustered: formatNumber(run.unclusteredCount),
    });
    replaceChildren(runLine, ...withNodes(summary, { time: timeElement(run.createdAt) }));
    // How it was computed matters to whoever tunes it, not to the reader: on hover only.
    runLine.title = t("clusters.run.details", { method: run.method, model: run.model });
  }

  /** `keep`: as many cards as are shown (a live reload), so the page keeps its length and scroll. */
  async function loadClusters(reset: boolean, keep = false): Promise<void> {
    const attempt = ++loading;
    moreClusters.disabled = true;
    const shown = cards.querySelectorAll("[data-testid=cluster-card]").length;
    try {
      const { painPointClusters } = await request(PainPointClustersDocument, {
        filter,
        first: keep ? Math.min(Math.max(CLUSTERS_PER_PAGE, shown), MAX_PAGE) : CLUSTERS_PER_PAGE,
        after: reset ? null : cursor,
        members: 1, // the cards show representatives; members load when a cluster is opened
      });
      if (attempt !== loading) return;
      showRun(painPointClusters);
      const built = painPointClusters.nodes.map((cluster) => clusterCard(cluster, (chosen) => openCluster(chosen.id)));
      if (reset) replaceChildren(cards, ...built);
      else cards.append(...built);
      const filtered = Object.keys(filter).length > 0;
      if (cards.childElementCount === 0) {
        cards.append(h("p", { class: "empty", "data-testid": "no-clusters" }, noClusters(painPointClusters, filtered, canAdopt, canRecluster)));
      }
      // Nothing to list apart when the viewer sees no pain point at all (the line above says why).
      unclusteredSection.hidden = !filtered && cards.querySelector("[data-testid=cluster-card]") === null && painPointClusters.unclusteredCount === 0;
      cursor = painPointClusters.pageInfo.endCursor;
      moreClusters.hidden = !painPointClusters.pageInfo.hasNextPage;
      notice.clear();
    } catch (error) {
      if (attempt === loading) notice.show(errorMessage(error));
    } finally {
      if (attempt === loading) moreClusters.disabled = false;
    }
  }

  function reloadLive(events: ClusterEvent[]): void {
    // The re-clustering started here says itself when it is done: no "finished" line beside its progress.
    const shown = recluster?.running() ? events.filter((event) => event.kind !== "RUN_FINISHED") : events;
    const changes = describeChanges(shown);
    if (changes) {
      const message = t(detailHolder.hidden ? "clusters.live.updated" : "clusters.live.updatedOpen", { changes, time: slot("time") });
      replaceChildren(liveLine, ...withNodes(message, { time: timeElement(shown[shown.length - 1].at) }));
      liveLine.hidden = false;
    }
    void loadClusters(true, true);
    void unclustered.reload();
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
    replaceChildren(detailHolder, clusterDetail(id, filter, canAdopt, canShape, showOverview));
    detailHolder.hidden = false;
    window.scrollTo({ top: 0 });
  }

  const recluster = canRecluster
    ? reclusterControl(() => {
        liveLine.hidden = true; // an earlier run's "finished" must not stand beside this one's progress
      }, reloadAll)
    : null;
  moreClusters.addEventListener("click", () => void loadClusters(false));
  reloadAll();

  const el = h(
    "div",
    { class: "clusters-page" },
    h(
      "header",
      { class: "clusters-head" },
      h(
        "div",
        {},
        h("h1", {}, t("clusters.heading")),
        runLine,
        canShape ? h("p", { class: "hint" }, h("a", { href: "#/proposals", "data-testid": "proposals-link" }, t("clusters.proposalsLink"))) : null,
      ),
      recluster?.el ?? null,
    ),
    canAdopt ? null : h("p", { class: "hint" }, t("clusters.readOnly")),
    filtersForm((chosen) => {
      filter = chosen;
      reloadAll();
    }),
    notice.el,
    liveLine,
    overview,
    detailHolder,
  );
  const stopFollowing = followClusters(reloadLive, (message) => notice.show(message));
  return {
    el,
    dispose() {
      recluster?.dispose();
      stopFollowing();
    },
  };
}
