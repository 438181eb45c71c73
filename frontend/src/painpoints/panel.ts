// The war room's "Pain points" tab: record one (or correct a refused one), and the case's list.

import "../styles/painpoints.css";
import { h } from "../ui/dom";
import { keepTimesFresh } from "../ui/fresh-times";
import type { Room } from "../warroom/room";
import { casePainPoints } from "./case-list";
import { submitForm } from "./submit-form";
import { openTickets } from "./tickets";

export function painPointsPanel(room: Room): HTMLElement {
  const item = room.item;
  const list = casePainPoints(item.id, item.myRole === "OWNER");
  void list.reload();
  const shown = (el: HTMLElement): HTMLElement => {
    room.onDispose(keepTimesFresh(el));
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
