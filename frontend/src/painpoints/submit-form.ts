// Recording a pain point, and correcting one the quality gate refused (its rectification ticket).

import { request } from "../api/client";
import { ResubmitTicketDocument, SubmitPainPointDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { hasMessage, language, t, translate } from "../i18n";
import { formatNumber } from "../i18n/format";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import type { PainPoint, PainPointInput, Rejection, SubmitResult, Ticket } from "./types";

export interface SubmitFormOptions {
  caseId: string;
  /** The case's customer: the default for new pain points. */
  customer: string;
  onAccepted: (painPoint: PainPoint) => void;
  /** A refusal (new or again) and a successful correction both change the open tickets. */
  onTicketsChanged: () => void;
  /** The room's drafts: the ticket being corrected, so a form built again (another language) still corrects it. */
  drafts: Map<string, unknown>;
}

const CORRECTING = "painpoint:ticket";

export interface SubmitForm {
  el: HTMLElement;
  /** Loads a refused text into the form to correct it. */
  correct: (ticket: Ticket) => void;
}

function splitTags(value: string): string[] {
  return value
    .split(/[,，、]/)
    .map((tag) => tag.trim())
    .filter(Boolean);
}

/**
 * Why the quality gate refused a text. The server writes it in English, naming the problem precisely: the
 * English UI shows its words, the Chinese UI the message of its stable code.
 */
function rejectionText(reason: Rejection): string {
  const key = `painpoints.rejections.${reason.code}`;
  return language() === "en" || !hasMessage(key) ? reason.message : translate(key);
}

export function reasonList(reasons: Rejection[]): HTMLElement {
  return h(
    "ul",
    { class: "reasons" },
    ...reasons.map((reason) => h("li", { "data-code": reason.code }, rejectionText(reason))),
  );
}

function acceptedMessage(painPoint: PainPoint, corrected: boolean): string {
  const done = corrected ? t("painpoints.form.corrected") : t("painpoints.form.recorded");
  if (painPoint.status === "DUPLICATE") {
    return painPoint.duplicateSimilarity === null
      ? t("painpoints.form.duplicate", { done })
      : t("painpoints.form.duplicateAlike", { done, alike: formatNumber(painPoint.duplicateSimilarity, { style: "percent" }) });
  }
  return t("painpoints.form.inList", { done });
}

export function submitForm(options: SubmitFormOptions): SubmitForm {
  const text = h("textarea", {
    name: "text",
    rows: 3,
    required: true,
    maxlength: 4000,
    placeholder: t("painpoints.form.textPlaceholder"),
  });
  const customer = h("input", { name: "customer", value: options.customer, maxlength: 200 });
  const product = h("input", { name: "product", maxlength: 200, placeholder: t("painpoints.form.productPlaceholder") });
  const tags = h("input", { name: "tags", maxlength: 300, placeholder: t("painpoints.form.tagsPlaceholder") });
  const heading = h("h3", {}, t("painpoints.form.heading"));
  const refusal = h("div", { class: "refusal", role: "alert", "data-testid": "rejection", hidden: true });
  const submit = h("button", { type: "submit", class: "button-primary" }, t("painpoints.form.submit"));
  const startOver = h("button", { type: "button", class: "button-quiet", hidden: true }, t("painpoints.form.startOver"));
  const notice = noticeArea();
  let ticket: Ticket | null = null;

  function showRefusal(refused: Ticket, reasons: Rejection[]): void {
    ticket = refused;
    options.drafts.set(CORRECTING, { ...refused, reasons } satisfies Ticket);
    heading.textContent = t("painpoints.form.correctHeading");
    replaceChildren(
      refusal,
      h("p", { class: "refusal-head" }, t("painpoints.form.notRecorded")),
      reasonList(reasons),
      h("p", { class: "hint" }, t("painpoints.form.correctHint")),
    );
    refusal.hidden = false;
    text.value = refused.latestText ?? refused.text;
    customer.value = refused.customer;
    product.value = refused.product ?? "";
    tags.value = refused.tags.join(", ");
    // A correction changes the text only; the ticket keeps the customer, product and tags.
    for (const field of [customer, product, tags]) field.disabled = true;
    submit.textContent = t("painpoints.form.resubmit");
    startOver.hidden = false;
    text.focus();
  }

  function reset(): void {
    ticket = null;
    options.drafts.delete(CORRECTING);
    heading.textContent = t("painpoints.form.heading");
    refusal.hidden = true;
    replaceChildren(refusal);
    text.value = "";
    customer.value = options.customer;
    product.value = "";
    tags.value = "";
    for (const field of [customer, product, tags]) field.disabled = false;
    submit.textContent = t("painpoints.form.submit");
    startOver.hidden = true;
  }

  async function send(event: Event): Promise<void> {
    event.preventDefault();
    notice.clear();
    submit.disabled = true;
    const correcting = ticket;
    try {
      let result: SubmitResult;
      if (correcting) {
        result = (await request(ResubmitTicketDocument, { id: correcting.id, text: text.value })).resubmitTicket;
      } else {
        const input: PainPointInput = {
          caseId: options.caseId,
          text: text.value,
          customer: customer.value.trim() || null,
          product: product.value.trim() || null,
          tags: splitTags(tags.value),
        };
        result = (await request(SubmitPainPointDocument, { input })).submitPainPoint;
      }
      if (result.__typename === "PainPointRejected") {
        showRefusal(result.ticket, result.reasons);
        options.onTicketsChanged();
        return;
      }
      reset();
      notice.show(acceptedMessage(result, correcting !== null), "info");
      options.onAccepted(result);
      if (correcting) options.onTicketsChanged();
    } catch (error) {
      notice.show(errorMessage(error));
    } finally {
      submit.disabled = false;
    }
  }

  startOver.addEventListener("click", () => {
    reset();
    notice.clear();
  });

  const el = h(
    "form",
    { class: "pain-point-form", "data-testid": "pain-point-form", onsubmit: (event) => void send(event) },
    heading,
    refusal,
    h("label", {}, t("painpoints.form.text"), text),
    h(
      "div",
      { class: "field-row" },
      h("label", {}, t("painpoints.form.customer"), customer),
      h("label", {}, t("painpoints.form.product"), product),
    ),
    h("label", {}, t("painpoints.form.tags"), tags),
    notice.el,
    h("div", { class: "form-actions" }, submit, startOver),
  );
  const correcting = options.drafts.get(CORRECTING) as Ticket | undefined;
  if (correcting) showRefusal(correcting, correcting.reasons);
  return {
    el,
    correct(open: Ticket) {
      notice.clear();
      showRefusal(open, open.reasons);
      el.scrollIntoView({ block: "nearest" });
    },
  };
}
