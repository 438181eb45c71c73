// The ledger: every movement of a person's points, newest first, a page at a time. Awards a cap cut to
// nothing are folded into one row per day ("3 entries capped today"), opened on demand: all of the day's,
// also when entries that moved points lie between them; the fold stands where the newest of them was.

import { t } from "../i18n";
import { formatPoints } from "../i18n/format";
import { h, replaceChildren } from "../ui/dom";
import { dayOf, timeElement } from "../ui/time";
import { actionLabel, capNote, signedPoints, subjectLink } from "./labels";
import type { PointEntry } from "./types";

function entryRow(entry: PointEntry, folded = false): HTMLElement {
  const note = entry.note ? capNote(entry.note) : null;
  const why = [note, entry.actor ? t("wallet.ledger.by", { name: entry.actor.name }) : null].filter(Boolean).join(" · ");
  return h(
    "tr",
    { "data-entry-id": entry.id, class: folded ? "capped-entry" : null, hidden: folded },
    h("td", {}, timeElement(entry.createdAt)),
    h("td", {}, actionLabel(entry.action), entry.reversesId ? h("span", { class: "badge" }, t("wallet.ledger.reversal")) : null),
    h("td", { class: "ledger-subject" }, subjectLink(entry), why ? h("div", { class: "hint" }, why) : null),
    h("td", { class: `num ${entry.delta < 0 ? "debit" : "credit"}` }, signedPoints(entry.delta)),
    h("td", { class: "num" }, formatPoints(entry.balanceAfter)),
  );
}

/** An award a cap cut to nothing: it moved no points, and only says the cap was reached. */
function capped(entry: PointEntry): boolean {
  return entry.delta === 0 && !entry.reversesId;
}

function localDay(iso: string): string {
  return dayOf(iso, Intl.DateTimeFormat().resolvedOptions().timeZone);
}

/** One row for a run of capped entries of one day; its button shows or hides them. */
function foldRow(run: PointEntry[], day: string, open: boolean, toggle: () => void): HTMLElement {
  const label =
    day === localDay(new Date().toISOString())
      ? t("wallet.ledger.cappedToday", { count: run.length })
      : t("wallet.ledger.cappedOn", { count: run.length, day });
  const actions = [...new Set(run.map((entry) => actionLabel(entry.action)))].join(" · ");
  return h(
    "tr",
    { class: "capped-fold", "data-testid": "capped-fold", "data-day": day },
    h(
      "td",
      { colspan: 5 },
      h(
        "button",
        { type: "button", class: "button-quiet fold-toggle", "aria-expanded": String(open), onclick: toggle },
        h("span", { "aria-hidden": "true" }, open ? "\u25be " : "\u25b8 "),
        label,
      ),
      h("span", { class: "hint" }, ` ${actions}`),
    ),
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
  let entries: PointEntry[] = []; // newest first
  const opened = new Set<string>(); // the days whose capped entries are shown

  function render(): void {
    const cappedOn = new Map<string, PointEntry[]>(); // day -> its capped entries, newest first
    for (const entry of entries) {
      if (!capped(entry)) continue;
      const day = localDay(entry.createdAt);
      cappedOn.set(day, [...(cappedOn.get(day) ?? []), entry]);
    }
    const rows: HTMLElement[] = [];
    const folded = new Set<string>();
    for (const entry of entries) {
      if (!capped(entry)) {
        rows.push(entryRow(entry));
        continue;
      }
      const day = localDay(entry.createdAt);
      if (folded.has(day)) continue;
      folded.add(day);
      const run = cappedOn.get(day) ?? [entry];
      const open = opened.has(day);
      rows.push(
        foldRow(run, day, open, () => {
          if (open) opened.delete(day);
          else opened.add(day);
          render();
          body.querySelector<HTMLElement>(`[data-day="${CSS.escape(day)}"] .fold-toggle`)?.focus();
        }),
        ...run.map((capped) => entryRow(capped, !open)),
      );
    }
    replaceChildren(body, ...rows);
    empty.hidden = entries.length > 0;
    table.hidden = entries.length === 0;
  }

  function has(id: string): boolean {
    return entries.some((entry) => entry.id === id);
  }

  render();
  return {
    el,
    append(more) {
      entries = [...entries, ...more.filter((entry) => !has(entry.id))];
      render();
    },
    prepend(entry) {
      if (has(entry.id)) return;
      entries = [entry, ...entries];
      render();
    },
    clear() {
      entries = [];
      render();
    },
  };
}
