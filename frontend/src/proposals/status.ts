// Deciding a proposal (R&D, admins): its status, changed with updateRequirementProposal (the team's webhooks
// hear PROPOSAL_UPDATED).

import { request } from "../api/client";
import { UpdateRequirementProposalDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { t } from "../i18n";
import { h } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { STATUSES, type Proposal, type ProposalStatus } from "./types";

/** A status select and Save; `onChanged` gets the proposal as the server now has it. */
export function statusControl(proposal: Proposal, onChanged: (updated: Proposal) => void): HTMLElement {
  const select = h("select", { name: "status" }, ...STATUSES.map((s) => h("option", { value: s }, t(`proposals.status.${s}`))));
  select.value = proposal.status;
  const save = h("button", { type: "submit", class: "button-quiet" }, t("common.save"));
  const notice = noticeArea();
  const form = h(
    "form",
    { class: "proposal-decide", "data-testid": "proposal-decide" },
    h("label", { class: "inline" }, t("proposals.decide"), select),
    save,
    notice.el,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save.disabled = true;
    notice.clear();
    request(UpdateRequirementProposalDocument, { id: proposal.id, input: { status: select.value as ProposalStatus } })
      .then(({ updateRequirementProposal }) => onChanged(updateRequirementProposal))
      .catch((error: unknown) => {
        notice.show(errorMessage(error));
        save.disabled = false;
      });
  });
  return form;
}
