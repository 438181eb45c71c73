// My refused texts for this case (open rectification tickets): nothing is lost, each can be corrected.

import { request } from "../api/client";
import { MyRectificationTicketsDocument, type MyRectificationTicketsQuery } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { t } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { timeElement } from "../ui/time";
import { reasonList } from "./submit-form";
import type { Ticket } from "./types";

// Tickets are listed per person across cases; a few pages are plenty to find this case's open ones.
const PAGE_SIZE = 50;
const MAX_PAGES = 5;

async function openTicketsOf(caseId: string): Promise<Ticket[]> {
  const found: Ticket[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    // Typed here: `after` comes from the previous answer, which inference cannot see through.
    const data: MyRectificationTicketsQuery = await request(MyRectificationTicketsDocument, {
      status: "OPEN",
      first: PAGE_SIZE,
      after,
    });
    const { myRectificationTickets } = data;
    found.push(...myRectificationTickets.nodes.filter((ticket) => ticket.caseId === caseId));
    if (!myRectificationTickets.pageInfo.hasNextPage) break;
    after = myRectificationTickets.pageInfo.endCursor;
  }
  return found;
}

function ticketRow(ticket: Ticket, onCorrect: (ticket: Ticket) => void): HTMLElement {
  return h(
    "li",
    { class: "ticket", "data-testid": "ticket", "data-ticket-id": ticket.id },
    h("p", { class: "ticket-text" }, ticket.latestText ?? ticket.text),
    reasonList(ticket.reasons),
    h(
      "div",
      { class: "ticket-meta" },
      timeElement(ticket.resubmittedAt ?? ticket.createdAt),
      ticket.attempts > 1 ? h("span", {}, t("painpoints.tickets.attempts", { count: ticket.attempts })) : null,
      h("button", { type: "button", class: "button-quiet", onclick: () => onCorrect(ticket) }, t("painpoints.tickets.correct")),
    ),
  );
}

export function openTickets(caseId: string, onCorrect: (ticket: Ticket) => void): { el: HTMLElement; reload: () => Promise<void> } {
  const list = h("ul", { class: "ticket-list" });
  const notice = noticeArea();
  const el = h(
    "section",
    { class: "tickets", "aria-label": t("painpoints.tickets.title"), "data-testid": "open-tickets", hidden: true },
    h("h3", {}, t("painpoints.tickets.title")),
    notice.el,
    list,
  );

  async function reload(): Promise<void> {
    try {
      const tickets = await openTicketsOf(caseId);
      replaceChildren(list, ...tickets.map((ticket) => ticketRow(ticket, onCorrect)));
      notice.clear();
      el.hidden = tickets.length === 0;
    } catch (error) {
      notice.show(errorMessage(error));
      el.hidden = false;
    }
  }

  return { el, reload };
}
