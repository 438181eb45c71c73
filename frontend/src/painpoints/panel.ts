// The war room's "Pain points" tab: record one (or correct a refused one), and the case's list, kept live:
// a re-clustering relabels its pain points, and one joining a cluster (another member's too) shows up.

import "../styles/painpoints.css";
import { followClusters } from "../clusters/live";
import { h } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import { keepTimesFresh } from "../ui/fresh-times";
import type { Room } from "../warroom/room";
import { casePainPoints } from "./case-list";
import { submitForm } from "./submit-form";
import { openTickets } from "./tickets";

export function painPointsPanel(room: Room): HTMLElement {
  const item = room.item;
  const list = casePainPoints(item.id, item.myRole === "OWNER");
  void list.reload();
  // clusterEvents name the team's changes, not the case's: the list is read again on each burst. A pain point
  // placed in no cluster raises no event, so another member's such one shows on the next reload.
  const live = noticeArea();
  room.onDispose(
    followClusters(
      () => {
        live.clear();
        void list.refresh();
      },
      (message) => live.show(message),
    ),
  );
  const shown = (el: HTMLElement): HTMLElement => {
    room.onDispose(keepTimesFresh(el));
    el.prepend(live.el);
    return el;
  };
  // Viewers read a case; everyone else on it may record what the customer said (as the server decides).
  if (item.myRole === "VIEWER") {
    return shown(h("div", { class: "pain-points" }, h("p", { class: "hint" }, "Viewers can read the pain points of this case but not record them."), list.el));
  }
  const tickets = openTickets(item.id, (ticket) => form.correct(ticket));
  const form = submitForm({
    caseId: item.id,
    customer: item.customer,
    onAccepted: () => void list.reload(),
    onTicketsChanged: () => void tickets.reload(),
  });
  void tickets.reload();
  return shown(h("div", { class: "pain-points" }, form.el, tickets.el, list.el));
}
