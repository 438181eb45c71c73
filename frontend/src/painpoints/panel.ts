// The war room's "Pain points" tab: record one (or correct a refused one), and the case's list, kept live:
// pain points recorded, withdrawn or adopted by anyone show up (painPointEvents), and a re-clustering or a
// cluster growing relabels them (clusterEvents). Case owners also record orders won here.

import "../styles/painpoints.css";
import { followClusters } from "../clusters/live";
import { t } from "../i18n";
import { h } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { linkParam } from "../warroom/deep-link";
import type { Room } from "../warroom/room";
import { casePainPoints } from "./case-list";
import { followCasePainPoints } from "./live";
import { orderWonForm } from "./order-won";
import { submitForm } from "./submit-form";
import { openTickets } from "./tickets";

export function painPointsPanel(room: Room): HTMLElement {
  const item = room.item;
  const list = casePainPoints(item.id, item.myRole === "OWNER");
  // A link to one pain point (the wallet's ledger) shows it once the list is read.
  const linked = linkParam("painPoint");
  void list.reload().then(() => {
    if (linked) list.reveal(linked);
  });
  const order = item.myRole === "OWNER" ? orderWonForm(item.id) : null;
  // The list is read again on each burst of either subscription (clusterEvents name the team's changes,
  // not the case's).
  const live = noticeArea();
  const changed = (): void => {
    live.clear();
    void list.refresh();
    order?.refresh();
  };
  const failed = (message: string): void => live.show(message);
  room.onDispose(followCasePainPoints(item.id, changed, failed));
  room.onDispose(followClusters(changed, failed));
  const shown = (el: HTMLElement): HTMLElement => {
    el.prepend(live.el);
    return el;
  };
  // Viewers read a case; everyone else on it may record what the customer said (as the server decides).
  if (item.myRole === "VIEWER") {
    return shown(h("div", { class: "pain-points" }, h("p", { class: "hint" }, t("painpoints.viewerHint")), list.el));
  }
  const tickets = openTickets(item.id, (ticket) => void form.correct(ticket));
  const form = submitForm({
    caseId: item.id,
    customer: item.customer,
    drafts: room.drafts,
    onAccepted: () => {
      void list.reload();
      order?.refresh();
    },
    onTicketsChanged: () => void tickets.reload(),
  });
  void tickets.reload();
  return shown(h("div", { class: "pain-points" }, form.el, tickets.el, list.el, order?.el ?? null));
}
