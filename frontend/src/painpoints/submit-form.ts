// Recording a pain point, and correcting one the quality gate refused (its rectification ticket).

import { request } from "../api/client";
import { ResubmitTicketDocument, SubmitPainPointDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
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
}

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

export function reasonList(reasons: Rejection[]): HTMLElement {
  return h(
    "ul",
    { class: "reasons" },
    ...reasons.map((reason) => h("li", { "data-code": reason.code }, reason.message)),
  );
}

function acceptedMessage(painPoint: PainPoint, corrected: boolean): string {
  const done = corrected ? "Corrected and recorded." : "Recorded.";
  if (painPoint.status === "DUPLICATE") {
    const alike = painPoint.duplicateSimilarity === null ? "" : ` (${Math.round(painPoint.duplicateSimilarity * 100)}% alike)`;
    return `${done} It repeats an earlier pain point of this case${alike}, so it is linked to that one and not counted twice.`;
  }
  return `${done} It is in the list below.`;
}

export function submitForm(options: SubmitFormOptions): SubmitForm {
  const text = h("textarea", {
    name: "text",
    rows: 3,
    required: true,
    maxlength: 4000,
    placeholder: "e.g. Card payment declined twice at checkout",
  });
  const customer = h("input", { name: "customer", value: options.customer, maxlength: 200 });
  const product = h("input", { name: "product", maxlength: 200, placeholder: "e.g. Payments" });
  const tags = h("input", { name: "tags", maxlength: 300, placeholder: "e.g. checkout, mobile" });
  const heading = h("h3", {}, "Record a pain point");
  const refusal = h("div", { class: "refusal", role: "alert", "data-testid": "rejection", hidden: true });
  const submit = h("button", { type: "submit", class: "button-primary" }, "Submit pain point");
  const startOver = h("button", { type: "button", class: "button-quiet", hidden: true }, "Record a new one instead");
  const notice = noticeArea();
  let ticket: Ticket | null = null;

  function showRefusal(refused: Ticket, reasons: Rejection[]): void {
    ticket = refused;
    heading.textContent = "Correct and resubmit";
    replaceChildren(
      refusal,
      h("p", { class: "refusal-head" }, "This text was not recorded:"),
      reasonList(reasons),
      h("p", { class: "hint" }, "Correct the text below and resubmit. It is kept under “Your texts to correct” until then."),
    );
    refusal.hidden = false;
    text.value = refused.latestText ?? refused.text;
    customer.value = refused.customer;
    product.value = refused.product ?? "";
    tags.value = refused.tags.join(", ");
    // A correction changes the text only; the ticket keeps the customer, product and tags.
    for (const field of [customer, product, tags]) field.disabled = true;
    submit.textContent = "Resubmit";
    startOver.hidden = false;
    text.focus();
  }

  function reset(): void {
    ticket = null;
    heading.textContent = "Record a pain point";
    refusal.hidden = true;
    replaceChildren(refusal);
    text.value = "";
    customer.value = options.customer;
    product.value = "";
    tags.value = "";
    for (const field of [customer, product, tags]) field.disabled = false;
    submit.textContent = "Submit pain point";
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
    h("label", {}, "Pain point", text),
    h(
      "div",
      { class: "field-row" },
      h("label", {}, "Customer", customer),
      h("label", {}, "Product", product),
    ),
    h("label", {}, "Tags (comma-separated)", tags),
    notice.el,
    h("div", { class: "form-actions" }, submit, startOver),
  );
  return {
    el,
    correct(open: Ticket) {
      notice.clear();
      showRefusal(open, open.reasons);
      el.scrollIntoView({ block: "nearest" });
    },
  };
}
