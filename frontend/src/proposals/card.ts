// One requirement proposal: title, status, problem statement, the evidence's counts, affected customers, first
// and last seen, who adopted it and why, and its Markdown and JSON exports (fetched with the sign-in token).

import { errorMessage } from "../api/errors";
import { t } from "../i18n";
import { formatNames } from "../i18n/format";
import { slot, withNodes } from "../i18n/nodes";
import { downloadFetched } from "../ui/fetched-download";
import { h } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { timeElement } from "../ui/time";
import { statusControl } from "./status";
import { proposalPath, type Proposal, type ProposalDetail } from "./types";

function exportButton(proposal: Proposal, kind: "md" | "json", notice: ReturnType<typeof noticeArea>): HTMLElement {
  const button = h(
    "button",
    { type: "button", class: "button-quiet", "data-testid": `download-${kind}` },
    t(kind === "md" ? "proposals.downloadMarkdown" : "proposals.downloadJson"),
  );
  button.addEventListener("click", () => {
    button.disabled = true;
    notice.clear();
    downloadFetched(kind === "md" ? proposal.markdownUrl : proposal.jsonUrl, `proposal-${proposal.id}.${kind}`)
      .catch((error: unknown) => notice.show(errorMessage(error)))
      .finally(() => {
        button.disabled = false;
      });
  });
  return button;
}

function seen(proposal: Proposal): HTMLElement | null {
  const { firstSeen, lastSeen } = proposal.evidence;
  if (!firstSeen || !lastSeen) return null;
  const line = t("proposals.seen", { first: slot("first"), last: slot("last") });
  return h("p", { class: "hint", "data-testid": "proposal-seen" }, ...withNodes(line, { first: timeElement(firstSeen), last: timeElement(lastSeen) }));
}

function representatives(proposal: ProposalDetail): HTMLElement {
  return h(
    "section",
    { class: "proposal-evidence" },
    h("h3", {}, t("proposals.representatives")),
    h(
      "ol",
      { class: "representatives" },
      ...proposal.evidence.representatives.map((example) =>
        h(
          "li",
          { "data-pain-point-id": example.id },
          h("p", { class: "pain-point-text" }, example.text),
          h(
            "p",
            { class: "hint" },
            t("proposals.from", { case: example.caseTitle ?? t("common.someone"), customer: example.customer, author: example.author.name ?? t("common.someone") }),
          ),
        ),
      ),
    ),
  );
}

/**
 * `opened`: the proposal on its own page (its title is not a link then, its examples show, and its status can
 * be changed: `onChanged` gets it as it is then).
 */
export function proposalCard(proposal: Proposal | ProposalDetail, opened = false, onChanged?: (updated: ProposalDetail) => void): HTMLElement {
  const evidence = proposal.evidence;
  const notice = noticeArea();
  const adopted = t("proposals.adopted", { who: proposal.adoptedBy.name ?? t("common.someone"), time: slot("time") });
  const title = opened ? proposal.title : h("a", { href: `#${proposalPath(proposal.id)}` }, proposal.title);
  return h(
    "article",
    { class: "proposal card", "data-testid": "proposal", "data-proposal-id": proposal.id, "data-status": proposal.status },
    h(
      "header",
      { class: "proposal-head" },
      h(opened ? "h1" : "h2", {}, title),
      h("span", { class: `badge proposal-status status-${proposal.status.toLowerCase()}`, "data-testid": "proposal-status" }, t(`proposals.status.${proposal.status}`)),
    ),
    h("p", { class: "problem-statement", "data-testid": "problem-statement" }, proposal.problemStatement),
    h(
      "p",
      { class: "proposal-counts", "data-testid": "proposal-counts" },
      t("proposals.counts", {
        painPoints: t("clusters.painPoints", { count: evidence.painPointCount }),
        adopted: evidence.adoptedCount,
        cases: t("clusters.cases", { count: evidence.caseCount }),
        authors: t("proposals.authors", { count: evidence.authorCount }),
      }),
    ),
    evidence.customers.length
      ? h("p", { class: "proposal-customers", "data-testid": "proposal-customers" }, t("proposals.customers", { count: evidence.customerCount, names: formatNames(evidence.customers) }))
      : null,
    seen(proposal),
    h("p", { class: "hint", "data-testid": "proposal-adopted" }, ...withNodes(adopted, { time: timeElement(proposal.createdAt) })),
    proposal.note ? h("p", { class: "hint adoption-note" }, t("proposals.note", { note: proposal.note })) : null,
    "representatives" in evidence ? representatives(proposal as ProposalDetail) : null,
    opened ? statusControl(proposal, (updated) => onChanged?.({ ...updated, evidence: (proposal as ProposalDetail).evidence })) : null,
    h("div", { class: "proposal-exports" }, exportButton(proposal, "md", notice), exportButton(proposal, "json", notice)),
    notice.el,
  );
}
