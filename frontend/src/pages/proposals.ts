// R&D's requirement proposals (#/proposals): the team's proposals newest first, narrowed by status, a page at a
// time; #/proposals/ID opens one with its representative pain points.

import "../styles/clusters.css";
import "../styles/proposals.css";
import { request } from "../api/client";
import { RequirementProposalDocument, RequirementProposalsDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { t } from "../i18n";
import { proposalCard } from "../proposals/card";
import { STATUSES, type ProposalDetail, type ProposalStatus } from "../proposals/types";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import type { Page } from "../ui/page";

const PAGE_SIZE = 20;

export function proposalsPage(): Page {
  const notice = noticeArea();
  const list = h("div", { class: "proposals", "data-testid": "proposals", "aria-live": "polite" });
  const more = h("button", { type: "button", class: "button-quiet", hidden: true }, t("common.showMore"));
  const status = h(
    "select",
    { name: "status", "data-testid": "proposal-status-filter" },
    h("option", { value: "" }, t("proposals.anyStatus")),
    ...STATUSES.map((s) => h("option", { value: s }, t(`proposals.status.${s}`))),
  );
  let cursor: string | null = null;
  let loading = 0; // a newer load (another status) makes the answers of older ones stale

  async function load(reset: boolean): Promise<void> {
    const attempt = ++loading;
    more.disabled = true;
    try {
      const chosen = (status.value || null) as ProposalStatus | null;
      const { requirementProposals } = await request(RequirementProposalsDocument, { status: chosen, first: PAGE_SIZE, after: reset ? null : cursor });
      if (attempt !== loading) return;
      const cards = requirementProposals.nodes.map((proposal) => proposalCard(proposal));
      if (reset) replaceChildren(list, ...cards);
      else list.append(...cards);
      if (list.childElementCount === 0) list.append(h("p", { class: "empty", "data-testid": "no-proposals" }, t(chosen ? "proposals.noneWithStatus" : "proposals.none")));
      cursor = requirementProposals.pageInfo.endCursor ?? null;
      more.hidden = !requirementProposals.pageInfo.hasNextPage;
      notice.clear();
    } catch (error) {
      if (attempt === loading) notice.show(errorMessage(error));
    } finally {
      if (attempt === loading) more.disabled = false;
    }
  }

  status.addEventListener("change", () => void load(true));
  more.addEventListener("click", () => void load(false));
  void load(true);
  const el = h(
    "div",
    { class: "proposals-page" },
    h("header", { class: "clusters-head" }, h("div", {}, h("h1", {}, t("proposals.heading")), h("p", { class: "hint" }, t("proposals.intro")))),
    h("label", { class: "inline proposal-filter" }, t("proposals.statusFilter"), status),
    notice.el,
    list,
    more,
  );
  return { el };
}

export function proposalPage(id: string): Page {
  const notice = noticeArea();
  const holder = h("div", { class: "proposal-holder" }, h("p", { class: "loading" }, t("common.loading")));
  const show = (proposal: ProposalDetail): void => replaceChildren(holder, proposalCard(proposal, true, show));
  request(RequirementProposalDocument, { id })
    .then(({ requirementProposal }) => show(requirementProposal))
    .catch((error: unknown) => {
      replaceChildren(holder);
      notice.show(errorMessage(error));
    });
  const el = h("div", { class: "proposals-page" }, h("p", {}, h("a", { href: "#/proposals" }, t("proposals.back"))), notice.el, holder);
  return { el };
}
