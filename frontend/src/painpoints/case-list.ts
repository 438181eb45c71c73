// The case's pain points, newest first: status, cluster, customer, product, tags.

import { request } from "../api/client";
import { CasePainPointsDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { t } from "../i18n";
import { formatNumber } from "../i18n/format";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { timeElement } from "../ui/time";
import { statusBadge } from "./status";
import type { CasePainPoint } from "./types";
import { withdrawControl } from "./withdraw";

const PAGE_SIZE = 20;
const MAX_PAGE = 100; // the most the API gives at once

function clusterChip(painPoint: CasePainPoint): HTMLElement | null {
  if (painPoint.status === "REJECTED") return null; // withdrawn ones leave their cluster
  if (!painPoint.cluster) {
    return h("span", { class: "cluster-chip cluster-none", "data-testid": "pain-point-cluster", title: t("painpoints.list.noClusterTitle") }, t("painpoints.list.noCluster"));
  }
  const size = painPoint.cluster.size;
  return h(
    "span",
    { class: "cluster-chip", "data-testid": "pain-point-cluster", title: size ? t("painpoints.list.clusterOf", { count: size }) : t("painpoints.list.itsCluster") },
    painPoint.cluster.label,
  );
}

/** One pain point of the case; `isOwner`: I own the case, so I may withdraw anyone's (authors their own).
 * `onWithdrawn` hears when this row was withdrawn here, so the list can drop answers read before. */
function painPointRow(painPoint: CasePainPoint, isOwner: boolean, onWithdrawn: () => void): HTMLElement {
  const details = [painPoint.customer, painPoint.product, ...painPoint.tags.map((tag) => `#${tag}`)].filter(Boolean).join(" · ");
  const withdrawable = (painPoint.submittedByMe || isOwner) && (painPoint.status === "SUBMITTED" || painPoint.status === "DUPLICATE");
  const row: HTMLElement = h(
    "li",
    { class: "pain-point", "data-testid": "pain-point", "data-pain-point-id": painPoint.id },
    h("p", { class: "pain-point-text" }, painPoint.text),
    h("div", { class: "pain-point-meta" }, statusBadge(painPoint.status), clusterChip(painPoint)),
    h(
      "div",
      { class: "pain-point-details" },
      h("span", {}, details),
      painPoint.submittedByMe ? h("span", { class: "by-me" }, t("painpoints.list.byYou")) : null,
      timeElement(painPoint.createdAt),
    ),
    painPoint.status === "DUPLICATE" && painPoint.duplicateSimilarity !== null
      ? h("p", { class: "hint" }, t("painpoints.list.repeats", { alike: formatNumber(painPoint.duplicateSimilarity, { style: "percent" }) }))
      : null,
    painPoint.status === "ADOPTED"
      ? h("p", { class: "hint" }, painPoint.adoptionNote ? t("painpoints.list.adoptedNote", { note: painPoint.adoptionNote }) : t("painpoints.list.adopted"))
      : null,
    painPoint.status === "REJECTED" && painPoint.withdrawalReason
      ? h("p", { class: "hint" }, t("painpoints.list.withdrawn", { reason: painPoint.withdrawalReason }))
      : null,
    withdrawable
      ? withdrawControl(painPoint, (withdrawn) => {
          row.replaceWith(painPointRow({ ...withdrawn, cluster: null }, isOwner, onWithdrawn));
          onWithdrawn();
        })
      : null,
  );
  return row;
}

/** The case's list. `reload` starts again at the newest page; `refresh` (for live changes) keeps as many rows as
 * are shown and leaves a row alone while its withdraw form is open. */
export interface CasePainPointList {
  el: HTMLElement;
  reload: () => Promise<void>;
  refresh: () => Promise<void>;
  /** Scrolls to one pain point and marks it (a link pointed at it). */
  reveal: (id: string) => void;
}

export function casePainPoints(caseId: string, isOwner: boolean): CasePainPointList {
  const list = h("ul", { class: "pain-point-list", "data-testid": "pain-point-list", "aria-live": "polite" });
  const more = h("button", { type: "button", class: "button-quiet", hidden: true }, t("common.showMore"));
  const notice = noticeArea();
  let cursor: string | null = null;
  let loading = 0; // a newer load makes the answers of older ones stale

  function shownRows(): Map<string, HTMLElement> {
    const rows = new Map<string, HTMLElement>();
    for (const row of list.querySelectorAll<HTMLElement>("li[data-pain-point-id]")) rows.set(row.dataset.painPointId ?? "", row);
    return rows;
  }

  /** The row to show: the one already shown if the user is withdrawing it or nothing in it changed. */
  function rowFor(painPoint: CasePainPoint, shown: Map<string, HTMLElement>): HTMLElement {
    const fresh = painPointRow(painPoint, isOwner, withdrawnHere);
    fresh.dataset.state = JSON.stringify(painPoint);
    const old = shown.get(painPoint.id);
    const withdrawing = old?.querySelector<HTMLElement>(".withdraw-form:not([hidden])");
    if (old && (withdrawing || old.dataset.state === fresh.dataset.state)) return old;
    return fresh;
  }

  /** A withdrawal made here: an answer read before it would bring the row back as it was, so any load in
   * flight is stale and the list is read again. */
  function withdrawnHere(): void {
    void load("refresh");
  }

  async function load(mode: "reset" | "more" | "refresh"): Promise<void> {
    const attempt = ++loading;
    more.disabled = true;
    try {
      const { casePainPoints } = await request(CasePainPointsDocument, {
        caseId,
        first: mode === "refresh" ? Math.min(Math.max(PAGE_SIZE, shownRows().size), MAX_PAGE) : PAGE_SIZE,
        after: mode === "more" ? cursor : null,
      });
      if (attempt !== loading) return;
      // The rows as shown now, not when the load began: one replaced meanwhile (withdrawn) must not come back.
      const shown = shownRows();
      const rows = casePainPoints.nodes.map((painPoint) => rowFor(painPoint, shown));
      if (mode === "more") list.append(...rows);
      else replaceChildren(list, ...rows);
      if (list.childElementCount === 0) list.append(h("li", { class: "empty" }, t("painpoints.list.empty")));
      cursor = casePainPoints.pageInfo.endCursor;
      more.hidden = !casePainPoints.pageInfo.hasNextPage;
      notice.clear();
    } catch (error) {
      if (attempt === loading) notice.show(errorMessage(error));
    } finally {
      if (attempt === loading) more.disabled = false;
    }
  }

  more.addEventListener("click", () => void load("more"));
  const el = h("section", { class: "case-pain-points", "aria-label": t("painpoints.list.label") }, h("h3", {}, t("painpoints.list.heading")), notice.el, list, more);
  function reveal(id: string): void {
    const row = list.querySelector<HTMLElement>(`li[data-pain-point-id="${CSS.escape(id)}"]`);
    if (!row) return;
    row.classList.add("linked");
    row.tabIndex = -1;
    row.scrollIntoView({ block: "center" });
    row.focus({ preventScroll: true });
  }

  return { el, reload: () => load("reset"), refresh: () => load("refresh"), reveal };
}
