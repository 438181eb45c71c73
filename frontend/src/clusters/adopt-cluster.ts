// Adopting a whole cluster (R&D, admins): a note, then adoptCluster, which adopts its pain points and makes
// a requirement proposal; the line under the button then names the proposal and links to it.

import { request } from "../api/client";
import { AdoptClusterDocument } from "../api/generated/graphql";
import { t } from "../i18n";
import { slot, withNodes } from "../i18n/nodes";
import { proposalPath } from "../proposals/types";
import { h, replaceChildren } from "../ui/dom";
import { formDialog } from "../ui/form-dialog";

/** The button and the line that shows the outcome; `onAdopted` runs once the cluster's pain points changed. */
export function adoptClusterControl(clusterId: string, label: () => string, onAdopted: () => void): HTMLElement {
  const outcome = h("p", { class: "hint adopted-proposal", role: "status", "data-testid": "adopted-proposal", hidden: true });
  const button = h("button", { type: "button", class: "button-primary", "data-testid": "adopt-cluster" }, t("clusters.adoptCluster.button"));
  button.addEventListener("click", () => {
    void formDialog({
      title: t("clusters.adoptCluster.title", { label: label() }),
      message: t("clusters.adoptCluster.message"),
      fields: [{ name: "note", label: t("clusters.adoptCluster.note"), placeholder: t("clusters.adopt.placeholder"), multiline: true }],
      confirmLabel: t("clusters.adoptCluster.confirm"),
      testId: "adopt-cluster-dialog",
      run: async ({ note }) => (await request(AdoptClusterDocument, { id: clusterId, note: note || null })).adoptCluster,
    }).then((adopted) => {
      if (!adopted) return;
      const { proposal } = adopted;
      const link = h("a", { href: `#${proposalPath(proposal.id)}`, "data-testid": "proposal-link" }, proposal.title);
      const message = adopted.created
        ? t("clusters.adoptCluster.created", { proposal: slot("proposal"), count: adopted.adoptedPainPoints.length })
        : t("clusters.adoptCluster.existing", { proposal: slot("proposal") });
      replaceChildren(outcome, ...withNodes(message, { proposal: link }));
      outcome.hidden = false;
      onAdopted();
    });
  });
  return h("div", { class: "adopt-cluster" }, button, outcome);
}
