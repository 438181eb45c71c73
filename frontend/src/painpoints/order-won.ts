// Recording an order won on the case (owners): its number, amount and the pain points that helped. The
// order waits for HR or finance to approve it; then each credited pain point earns its author ORDER_WON.

import { request } from "../api/client";
import { CasePainPointsDocument, RecordOrderWonDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { t } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import type { CasePainPoint } from "./types";

const MAX_LISTED = 100; // the most the API gives at once, and more than an order credits in practice

function creditable(painPoint: CasePainPoint): boolean {
  return painPoint.status === "SUBMITTED" || painPoint.status === "ADOPTED";
}

/**
 * An amount as typed, as the decimal string the API reads ("1,280,000" and "１，２８０，０００元" as "1280000"), or
 * null when it is not a positive amount with at most two decimals. Full-width characters, digit-group commas
 * (, and ，), spaces, a leading ¥ and a trailing 元 are allowed.
 */
export function parseAmount(typed: string): string | null {
  const plain = typed
    .normalize("NFKC")
    .trim()
    .replace(/^¥\s*/, "")
    .replace(/\s*元$/, "")
    .replace(/[,\s]/g, "");
  if (!/^\d+(\.\d{1,2})?$/.test(plain) || Number(plain) <= 0) return null;
  return plain;
}

export function orderWonForm(caseId: string): { el: HTMLElement; refresh: () => void } {
  const reference = h("input", { name: "reference", required: true, maxlength: 100, autocomplete: "off" });
  // No `pattern`: the browser's tooltip would refuse "1,280,000" and say nothing in the page; amount() reads it.
  const amount = h("input", { name: "amount", required: true, inputmode: "decimal", autocomplete: "off", class: "narrow" });
  const choices = h("div", { class: "order-pain-points" });
  const notice = noticeArea();
  const submit = h("button", { type: "submit", class: "button-primary" }, t("painpoints.order.submit"));
  let loaded = false;

  async function loadChoices(): Promise<void> {
    try {
      const { casePainPoints } = await request(CasePainPointsDocument, { caseId, first: MAX_LISTED });
      const checked = new Set([...choices.querySelectorAll<HTMLInputElement>("input:checked")].map((box) => box.value));
      const items = casePainPoints.nodes.filter(creditable);
      replaceChildren(
        choices,
        ...items.map((painPoint) =>
          h("label", { class: "inline order-pain-point" }, h("input", { type: "checkbox", value: painPoint.id, checked: checked.has(painPoint.id) }), painPoint.text),
        ),
        items.length ? null : h("p", { class: "hint" }, t("painpoints.order.none")),
      );
      loaded = true;
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  async function send(event: Event): Promise<void> {
    event.preventDefault();
    notice.clear();
    const painPointIds = [...choices.querySelectorAll<HTMLInputElement>("input:checked")].map((box) => box.value);
    const exact = parseAmount(amount.value);
    if (exact === null) {
      amount.setAttribute("aria-invalid", "true");
      notice.show(t("painpoints.order.badAmount"));
      amount.focus();
      return;
    }
    amount.removeAttribute("aria-invalid");
    if (painPointIds.length === 0) {
      notice.show(t("painpoints.order.choose"));
      return;
    }
    submit.disabled = true;
    try {
      const { recordOrderWon } = await request(RecordOrderWonDocument, {
        caseId,
        amount: exact,
        painPointIds,
        reference: reference.value.trim(),
      });
      const values = { reference: recordOrderWon.reference, count: recordOrderWon.painPointIds.length };
      notice.show(recordOrderWon.created ? t("painpoints.order.recorded", values) : t("painpoints.order.before", values), "info");
      (event.target as HTMLFormElement).reset();
    } catch (error) {
      notice.show(errorMessage(error));
    } finally {
      submit.disabled = false;
    }
  }

  const details = h(
    "details",
    { class: "order-won", "data-testid": "order-won" },
    h("summary", {}, t("painpoints.order.heading")),
    h(
      "form",
      { class: "order-won-form", onsubmit: (event) => void send(event) },
      h("p", { class: "hint" }, t("painpoints.order.hint")),
      h("div", { class: "field-row" }, h("label", {}, t("painpoints.order.reference"), reference), h("label", {}, t("painpoints.order.amount"), amount)),
      h("fieldset", {}, h("legend", {}, t("painpoints.order.painPoints")), choices),
      notice.el,
      h("div", { class: "form-actions" }, submit),
    ),
  );
  details.addEventListener("toggle", () => {
    if (details.open && !loaded) void loadChoices();
  });
  return {
    el: details,
    refresh() {
      if (loaded) void loadChoices();
    },
  };
}
