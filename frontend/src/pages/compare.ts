// The full-width comparison of two versions of a case (#/cases/ID/compare?from=SNAPSHOT&to=SNAPSHOT|live):
// every change at the width of the page, each underlined in its author's colour, and a way to walk them
// (previous/next buttons, the keys n/j and p/k).

import "../styles/versions.css";
import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { SnapshotDiffDocument, SnapshotsDocument } from "../api/generated/graphql";
import { t } from "../i18n";
import { formatNumber } from "../i18n/format";
import { casePath, comparePath, LIVE, navigate } from "../router";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import type { Page } from "../ui/page";
import { exactTime } from "../ui/time";
import { authorColors, authorLegend, changeView, diffSummary } from "../versions/diff";
import type { Snapshot, SnapshotDiff } from "../versions/types";

const MOST_VERSIONS = 100;

function versionLabel(snapshot: Snapshot): string {
  const name = snapshot.label ?? t("versions.automaticVersion");
  const by = snapshot.author ? ` · ${snapshot.author.name}` : "";
  return `${name} · ${exactTime(snapshot.createdAt)}${by}`;
}

/** Keys typed into a field are the field's, not shortcuts. */
function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName));
}

export function comparePage(caseId: string, from: string | null, to: string | null): Page {
  const notice = noticeArea();
  const fromSelect = h("select", { "data-testid": "compare-from", "aria-label": t("versions.full.from") });
  const toSelect = h("select", { "data-testid": "compare-to", "aria-label": t("versions.full.to") });
  const body = h("div", { class: "compare-body" }, h("p", { class: "loading" }, t("common.loading")));
  const position = h("span", { class: "compare-position", "data-testid": "change-position", "aria-live": "polite" });
  const previous = h("button", { type: "button", class: "button-quiet", "data-testid": "previous-change", "aria-keyshortcuts": "p k", disabled: true, onclick: () => go(-1) }, t("versions.full.previous"));
  const next = h("button", { type: "button", class: "button-quiet", "data-testid": "next-change", "aria-keyshortcuts": "n j", disabled: true, onclick: () => go(1) }, t("versions.full.next"));
  let changes: HTMLElement[] = [];
  let current = -1;

  function show(index: number): void {
    current = index;
    changes.forEach((change, i) => change.classList.toggle("current", i === index));
    const change = changes[index];
    position.textContent = t("versions.full.position", { index: formatNumber(index + 1), count: changes.length, total: formatNumber(changes.length) });
    previous.disabled = index <= 0;
    next.disabled = index >= changes.length - 1;
    change.scrollIntoView({ block: "center", behavior: "smooth" });
    change.focus({ preventScroll: true });
  }

  function go(step: number): void {
    if (changes.length === 0) return;
    show(Math.min(changes.length - 1, Math.max(0, current + step)));
  }

  function onKey(event: KeyboardEvent): void {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (event.key === "n" || event.key === "j") go(1);
    else if (event.key === "p" || event.key === "k") go(-1);
    else return;
    event.preventDefault();
  }
  document.addEventListener("keydown", onKey);

  function render(diff: SnapshotDiff): void {
    const colors = authorColors(diff);
    const total = diff.changes.length;
    changes = diff.changes.map((change, index) =>
      changeView(change, colors, {
        tabindex: -1,
        "data-testid": "diff-change",
        "aria-label": t("versions.full.changeLabel", { index: formatNumber(index + 1), count: total, total: formatNumber(total) }),
      }),
    );
    current = -1;
    previous.disabled = true;
    next.disabled = total === 0;
    position.textContent = total ? t("versions.full.count", { count: total, total: formatNumber(total) }) : "";
    replaceChildren(
      body,
      total === 0
        ? h("p", { class: "empty", "data-testid": "diff-same" }, t("versions.full.same"))
        : h(
            "div",
            { class: "diff compare-diff", "data-testid": "diff" },
            diffSummary(diff, true),
            authorLegend(diff, colors),
            diff.credited ? null : h("p", { class: "hint" }, t("versions.diff.notCredited")),
            ...changes,
          ),
    );
  }

  function choose(): void {
    navigate(comparePath(caseId, fromSelect.value, toSelect.value));
  }
  fromSelect.addEventListener("change", choose);
  toSelect.addEventListener("change", choose);

  async function load(): Promise<void> {
    try {
      const { snapshots } = await request(SnapshotsDocument, { caseId, first: MOST_VERSIONS, after: null });
      const versions = snapshots.nodes;
      const fromId = from ?? versions[0]?.id ?? null;
      const toId = to && to !== LIVE ? to : null;
      replaceChildren(fromSelect, ...versions.map((v) => h("option", { value: v.id, selected: v.id === fromId }, versionLabel(v))));
      replaceChildren(
        toSelect,
        h("option", { value: LIVE, selected: toId === null }, t("versions.full.live")),
        ...versions.map((v) => h("option", { value: v.id, selected: v.id === toId }, versionLabel(v))),
      );
      if (!fromId) {
        replaceChildren(body, h("p", { class: "empty" }, t("versions.empty")));
        return;
      }
      const { snapshotDiff } = await request(SnapshotDiffDocument, { fromId, toId });
      render(snapshotDiff);
    } catch (error) {
      replaceChildren(body);
      notice.show(errorMessage(error));
    }
  }
  void load();

  const el = h(
    "div",
    { class: "compare-page", "data-testid": "compare-page" },
    h("a", { class: "back-link", href: `#${casePath(caseId, { tab: "versions" })}`, "data-testid": "back-to-case" }, t("versions.full.back")),
    h("h1", {}, t("versions.full.title")),
    h(
      "div",
      { class: "compare-controls" },
      h("label", { class: "inline" }, t("versions.full.from"), fromSelect),
      h("label", { class: "inline" }, t("versions.full.to"), toSelect),
    ),
    h(
      "div",
      { class: "compare-nav", role: "toolbar", "aria-label": t("versions.full.changes") },
      previous,
      next,
      position,
      h("span", { class: "hint" }, t("versions.full.keys")),
    ),
    notice.el,
    body,
  );
  return { el, dispose: () => document.removeEventListener("keydown", onKey) };
}
