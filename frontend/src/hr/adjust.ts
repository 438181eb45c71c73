// HR's adjustments: find a teammate, see their balance, add or take points with a reason they will read.

import { request } from "../api/client";
import { AdjustPointsDocument, TeamBalancesDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import type { Teammate } from "../points/types";
import { t } from "../i18n";
import { formatPoints } from "../i18n/format";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";

const SEARCH_DELAY_MS = 200;

export function adjustPoints(): HTMLElement {
  const notice = noticeArea();
  const search = h("input", { type: "search", placeholder: t("common.searchPeople"), "aria-label": t("hr.adjust.search") });
  const people = h("ul", { class: "people-list", "aria-label": t("hr.adjust.teammates") });
  const who = h("p", { class: "hint", "data-testid": "adjust-who" }, t("hr.adjust.choose"));
  const delta = h("input", { type: "number", required: true, placeholder: t("hr.adjust.deltaPlaceholder"), "aria-label": t("hr.adjust.delta"), class: "narrow" });
  const reason = h("input", { required: true, maxlength: 500, placeholder: t("hr.adjust.reasonPlaceholder"), "aria-label": t("hr.adjust.reason") });
  const submit = h("button", { type: "submit", class: "button-primary", disabled: true }, t("hr.adjust.submit"));
  let chosen: Teammate | null = null;
  let timer: number | undefined;
  let latest = 0;

  function choose(person: Teammate): void {
    chosen = person;
    who.textContent = t("hr.adjust.has", { name: person.name, count: person.pointsBalance, points: formatPoints(person.pointsBalance) });
    submit.disabled = false;
    for (const item of people.querySelectorAll("[aria-pressed]")) item.setAttribute("aria-pressed", String(item.getAttribute("data-user-id") === person.id));
  }

  async function find(): Promise<void> {
    const ticket = ++latest;
    try {
      const { users } = await request(TeamBalancesDocument, { search: search.value.trim() || null, first: 20 });
      if (ticket !== latest) return;
      replaceChildren(
        people,
        ...users.nodes.map((person) =>
          h(
            "li",
            {},
            h(
              "button",
              { type: "button", class: "person", "data-user-id": person.id, "data-email": person.email, "aria-pressed": String(chosen?.id === person.id), onclick: () => choose(person) },
              h("span", { class: "member-name" }, person.name),
              h("span", { class: "member-email" }, person.email),
              h("span", { class: "num" }, t("hr.adjust.pts", { points: formatPoints(person.pointsBalance) })),
            ),
          ),
        ),
      );
      if (users.nodes.length === 0) people.append(h("li", { class: "empty" }, t("common.nobodyMatches")));
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  async function adjust(event: Event): Promise<void> {
    event.preventDefault();
    if (!chosen) return;
    notice.clear();
    submit.disabled = true;
    try {
      const { adjustPoints: done } = await request(AdjustPointsDocument, {
        userId: chosen.id,
        delta: Number(delta.value),
        reason: reason.value.trim(),
      });
      if (done.entry) {
        notice.show(t("hr.adjust.nowHas", { name: chosen.name, count: done.entry.balanceAfter, points: formatPoints(done.entry.balanceAfter) }), "info");
        chosen = { ...chosen, pointsBalance: done.entry.balanceAfter };
        who.textContent = t("hr.adjust.has", { name: chosen.name, count: done.entry.balanceAfter, points: formatPoints(done.entry.balanceAfter) });
      } else {
        // Above the approval threshold: nothing moves until another HR person approves it.
        notice.show(t("hr.adjust.waits"), "info");
      }
      delta.value = "";
      reason.value = "";
      void find();
    } catch (error) {
      notice.show(errorMessage(error));
    } finally {
      submit.disabled = false;
    }
  }

  search.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void find(), SEARCH_DELAY_MS);
  });
  void find();

  return h(
    "section",
    { class: "card", "aria-labelledby": "adjust-title" },
    h("h2", { id: "adjust-title" }, t("hr.adjust.title")),
    search,
    people,
    h("form", { class: "inline-form", onsubmit: (event) => void adjust(event) }, who, delta, reason, submit),
    notice.el,
  );
}
