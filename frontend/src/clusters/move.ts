// Moving one pain point of an opened cluster (R&D, admins): into another cluster of the run (movePainPoint), or
// out of every cluster (unclusterPainPoint); later runs keep it where it was put.

import { request } from "../api/client";
import { ClusterChoicesDocument, MovePainPointDocument, UnclusterPainPointDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import type { PainPoint } from "../painpoints/types";
import { t } from "../i18n";
import { h } from "../ui/dom";
import { formDialog } from "../ui/form-dialog";
import { noticeArea } from "../ui/notice";

const NONE = "";

/** The row's Move… button; `onMoved` runs once the pain point has left this cluster. */
export function moveControl(clusterId: string, painPoint: PainPoint, onMoved: () => void): HTMLElement {
  const button = h("button", { type: "button", class: "button-quiet move-button", "data-testid": "move-pain-point" }, t("clusters.move.button"));
  const notice = noticeArea();
  button.addEventListener("click", () => {
    button.disabled = true;
    notice.clear();
    request(ClusterChoicesDocument, {})
      .then(({ painPointClusters }) => {
        const others = painPointClusters.nodes.filter((cluster) => cluster.id !== clusterId);
        return formDialog({
          title: t("clusters.move.title"),
          message: painPoint.text,
          fields: [
            {
              name: "to",
              label: t("clusters.move.to"),
              options: [
                ...others.map((cluster) => ({ value: cluster.id, label: t("clusters.move.choice", { label: cluster.label, count: cluster.size }) })),
                { value: NONE, label: t("clusters.move.none") },
              ],
            },
            { name: "reason", label: t("clusters.rename.reason") },
          ],
          confirmLabel: t("clusters.move.confirm"),
          testId: "move-pain-point-dialog",
          run: async ({ to, reason }) =>
            to === NONE
              ? (await request(UnclusterPainPointDocument, { id: painPoint.id, reason: reason || null })).unclusterPainPoint
              : (await request(MovePainPointDocument, { id: painPoint.id, toClusterId: to, reason: reason || null })).movePainPoint,
        });
      })
      .then((moved) => {
        if (moved) onMoved();
      })
      .catch((error: unknown) => notice.show(errorMessage(error)))
      .finally(() => {
        button.disabled = false;
      });
  });
  return h("div", { class: "move" }, button, notice.el);
}
