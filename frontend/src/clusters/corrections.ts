// A cluster's correction history (R&D, admins): who renamed, merged, split it or moved pain points in or out,
// when and why, newest first; a correction that still holds can be undone (the next run is then free of it).

import { request } from "../api/client";
import { ClusterCorrectionHistoryDocument, UndoClusterCorrectionDocument } from "../api/generated/graphql";
import type { ClusterCorrectionFieldsFragment } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { t } from "../i18n";
import { slot, withNodes } from "../i18n/nodes";
import { confirmDialog } from "../ui/confirm";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { timeElement } from "../ui/time";

type Correction = ClusterCorrectionFieldsFragment;

const PAGE_SIZE = 20;

function count(data: Record<string, unknown>, key: string): number {
  const value = data[key];
  return Array.isArray(value) ? value.length : 0;
}

/** What the correction did, in a sentence without its author. */
function what(correction: Correction): string {
  const data = (correction.data ?? {}) as Record<string, unknown>;
  switch (correction.kind) {
    case "RENAME":
      return t("clusters.corrections.rename", { label: String(data.label ?? "") });
    case "MERGE":
      return t("clusters.corrections.merge", { count: count(data, "merged") });
    case "SPLIT":
      return t("clusters.corrections.split", { count: count(data, "parts") || count(data, "groups") });
    case "MOVE":
      return t("clusters.corrections.move");
    case "UNCLUSTER":
      return t("clusters.corrections.uncluster");
  }
}

function name(person: { name: string } | null | undefined): string {
  return person?.name ?? t("common.someone");
}

export interface CorrectionHistory {
  el: HTMLElement;
  reload: () => Promise<void>;
}

export function correctionHistory(clusterId: string): CorrectionHistory {
  const list = h("ol", { class: "corrections", "aria-labelledby": `corrections-${clusterId}` });
  const more = h("button", { type: "button", class: "button-quiet", hidden: true }, t("common.showMore"));
  const notice = noticeArea();
  let cursor: string | null = null;

  function item(correction: Correction): HTMLElement {
    const line = t("clusters.corrections.line", { who: name(correction.createdBy), what: what(correction), time: slot("time") });
    const row = h(
      "li",
      { class: `correction${correction.undoneAt ? " undone" : ""}`, "data-testid": "cluster-correction", "data-kind": correction.kind },
      h("p", {}, ...withNodes(line, { time: timeElement(correction.createdAt) })),
      correction.reason ? h("p", { class: "hint correction-reason" }, t("clusters.corrections.reason", { reason: correction.reason })) : null,
    );
    if (correction.undoneAt) {
      const undone = t("clusters.corrections.undone", { who: name(correction.undoneBy), time: slot("time") });
      row.append(h("p", { class: "hint", "data-testid": "correction-undone" }, ...withNodes(undone, { time: timeElement(correction.undoneAt) })));
    } else {
      const undo = h("button", { type: "button", class: "button-quiet", "data-testid": "undo-correction" }, t("clusters.corrections.undo"));
      undo.addEventListener("click", () => {
        void confirmDialog({
          title: t("clusters.corrections.undoTitle"),
          message: t("clusters.corrections.undoMessage", { what: what(correction) }),
          confirmLabel: t("clusters.corrections.undo"),
          testId: "undo-correction-dialog",
        }).then(async (sure) => {
          if (!sure) return;
          undo.disabled = true;
          try {
            const { undoClusterCorrection } = await request(UndoClusterCorrectionDocument, { id: correction.id });
            row.replaceWith(item(undoClusterCorrection));
          } catch (error) {
            notice.show(errorMessage(error));
            undo.disabled = false;
          }
        });
      });
      row.append(undo);
    }
    return row;
  }

  async function load(reset: boolean): Promise<void> {
    more.disabled = true;
    try {
      const { painPointCluster } = await request(ClusterCorrectionHistoryDocument, { id: clusterId, first: PAGE_SIZE, after: reset ? null : cursor });
      const page = painPointCluster.corrections;
      const rows = page.nodes.map(item);
      if (reset) replaceChildren(list, ...rows);
      else list.append(...rows);
      if (list.childElementCount === 0) list.append(h("li", { class: "empty" }, t("clusters.corrections.none")));
      cursor = page.pageInfo.endCursor ?? null;
      more.hidden = !page.pageInfo.hasNextPage;
      notice.clear();
    } catch (error) {
      notice.show(errorMessage(error));
    } finally {
      more.disabled = false;
    }
  }

  more.addEventListener("click", () => void load(false));
  return {
    el: h(
      "section",
      { class: "cluster-corrections", "data-testid": "cluster-corrections" },
      h("h3", { id: `corrections-${clusterId}` }, t("clusters.corrections.heading")),
      notice.el,
      list,
      more,
    ),
    reload: () => load(true),
  };
}
