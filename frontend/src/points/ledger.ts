// The ledger: every movement of a person's points, newest first, a page at a time.

import { h, replaceChildren } from "../ui/dom";
import { timeElement } from "../ui/time";
import { ACTION_LABELS, signedPoints, subjectLabel } from "./labels";
import type { PointEntry } from "./types";

function entryRow(entry: PointEntry): HTMLElement {
  const why = [entry.note, entry.actor ? `by ${entry.actor.name}` : null].filter(Boolean).join(" · ");
  return h(
    "tr",
    { "data-entry-id": entry.id },
    h("td", {}, timeElement(entry.createdAt)),
    h("td", {}, ACTION_LABELS[entry.action] ?? entry.action, entry.reversesId ? h("span", { class: "badge" }, "reversal") : null),
    h("td", { class: "ledger-subject", title: entry.subject }, subjectLabel(entry.subject), why ? h("div", { class: "hint" }, why) : null),
    h("td", { class: `num ${entry.delta < 0 ? "debit" : "credit"}` }, signedPoints(entry.delta)),
    h("td", { class: "num" }, String(entry.balanceAfter)),
  );
}

export interface LedgerView {
  el: HTMLElement;
  /** Adds entries at the end (the next, older page). */
  append: (entries: PointEntry[]) => void;
  /** Adds a new entry at the top unless it is shown already. */
  prepend: (entry: PointEntry) => void;
  clear: () => void;
}

export function ledgerTable(): LedgerView {
  const body = h("tbody", {});
  const empty = h("p", { class: "empty" }, "No points yet. Contributions that earn points show up here.");
  const table = h(
    "table",
    { class: "data-table", "data-testid": "ledger", "aria-label": "Points ledger" },
    h(
      "thead",
      {},
      h("tr", {}, h("th", {}, "When"), h("th", {}, "Action"), h("th", {}, "Subject"), h("th", { class: "num" }, "Points"), h("th", { class: "num" }, "Balance")),
    ),
    body,
  );
  const el = h("div", { class: "ledger" }, empty, table);

  function refresh(): void {
    const has = body.childElementCount > 0;
    empty.hidden = has;
    table.hidden = !has;
  }

  refresh();
  return {
    el,
    append(entries) {
      body.append(...entries.filter((e) => !body.querySelector(`[data-entry-id="${CSS.escape(e.id)}"]`)).map(entryRow));
      refresh();
    },
    prepend(entry) {
      if (body.querySelector(`[data-entry-id="${CSS.escape(entry.id)}"]`)) return;
      body.prepend(entryRow(entry));
      refresh();
    },
    clear() {
      replaceChildren(body);
      refresh();
    },
  };
}
