// The ledger: every movement of a person's points, newest first, a page at a time.

import { t } from "../i18n";
import { formatPoints } from "../i18n/format";
import { h, replaceChildren } from "../ui/dom";
import { timeElement } from "../ui/time";
import { actionLabel, signedPoints, subjectLabel } from "./labels";
import type { PointEntry } from "./types";

function entryRow(entry: PointEntry): HTMLElement {
  const why = [entry.note, entry.actor ? t("wallet.ledger.by", { name: entry.actor.name }) : null].filter(Boolean).join(" · ");
  return h(
    "tr",
    { "data-entry-id": entry.id },
    h("td", {}, timeElement(entry.createdAt)),
    h("td", {}, actionLabel(entry.action), entry.reversesId ? h("span", { class: "badge" }, t("wallet.ledger.reversal")) : null),
    h("td", { class: "ledger-subject", title: entry.subject }, subjectLabel(entry.subject), why ? h("div", { class: "hint" }, why) : null),
    h("td", { class: `num ${entry.delta < 0 ? "debit" : "credit"}` }, signedPoints(entry.delta)),
    h("td", { class: "num" }, formatPoints(entry.balanceAfter)),
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
  const empty = h("p", { class: "empty" }, t("wallet.ledger.empty"));
  const table = h(
    "table",
    { class: "data-table", "data-testid": "ledger", "aria-label": t("wallet.ledger.label") },
    h(
      "thead",
      {},
      h("tr", {}, h("th", {}, t("wallet.ledger.when")), h("th", {}, t("wallet.ledger.action")), h("th", {}, t("wallet.ledger.subject")), h("th", { class: "num" }, t("wallet.ledger.points")), h("th", { class: "num" }, t("wallet.ledger.balance"))),
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
