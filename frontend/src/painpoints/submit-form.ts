// Recording a pain point, and correcting one the quality gate refused (its rectification ticket).

import { request } from "../api/client";
import { ResubmitTicketDocument, SubmitPainPointDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { hasMessage, language, t, translate } from "../i18n";
import { formatNumber, formatPoints } from "../i18n/format";
import { h, replaceChildren } from "../ui/dom";
import { confirmDialog } from "../ui/confirm";
import { noticeArea } from "../ui/notice";
import { cappedAcceptance } from "./capped";
import { correctsText } from "./same-text";
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
const PREPARING_AFTER_MS = 300;

export interface SubmitForm {
  el: HTMLElement;
  /** Loads a refused text into the form to correct it (asking first if the form holds a text of its own). */
  correct: (ticket: Ticket) => Promise<void>;
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

async function acceptedMessage(painPoint: PainPoint, corrected: boolean): Promise<string> {
  const done = corrected ? t("painpoints.form.corrected") : t("painpoints.form.recorded");
  if (painPoint.status === "DUPLICATE") {
    return painPoint.duplicateSimilarity === null
      ? t("painpoints.form.duplicate", { done })
      : t("painpoints.form.duplicateAlike", { done, alike: formatNumber(painPoint.duplicateSimilarity, { style: "percent" }) });
  }
  // Recorded but earning nothing (a cap is reached) must not read like a plain success.
  const stop = await cappedAcceptance(painPoint.id).catch(() => null);
  if (stop) return t(stop.cap === "daily" ? "painpoints.form.cappedDaily" : "painpoints.form.cappedMonthly", { done, points: formatPoints(stop.points) });
  return t("painpoints.form.inList", { done });
}

interface Sent {
  text: string;
  customer: string;
  product: string;
  tags: string;
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
  // Whether the text in the form corrects the refused one or is a new pain point, said before it is sent.
  const mode = h("p", { class: "hint form-mode", "data-testid": "form-mode", hidden: true });
  const submit = h("button", { type: "submit", class: "button-primary" }, t("painpoints.form.submit"));
  const startOver = h("button", { type: "button", class: "button-quiet", hidden: true }, t("painpoints.form.startOver"));
  // The first pain point after a server start waits for the language model: say so while it is on its way.
  const preparing = h(
    "p",
    { class: "preparing", role: "status", "data-testid": "preparing", hidden: true },
    h("span", { class: "spinner", "aria-hidden": "true" }),
    h("span", {}, t("painpoints.form.preparing")),
  );
  const notice = noticeArea();
  let ticket: Ticket | null = null;
  let sending = false;
  let preparingTimer: number | undefined;

  function values(): Sent {
    return { text: text.value, customer: customer.value, product: product.value, tags: tags.value };
  }

  /** A correction of the open ticket: the same customer, product and tags, and a text that shares its wording. */
  function correcting(): Ticket | null {
    if (!ticket) return null;
    const same =
      customer.value.trim() === ticket.customer &&
      product.value.trim() === (ticket.product ?? "") &&
      splitTags(tags.value).join(",") === ticket.tags.join(",");
    const refused = ticket.latestText ? [ticket.text, ticket.latestText] : [ticket.text];
    return same && refused.some((old) => correctsText(old, text.value)) ? ticket : null;
  }

  function showMode(): void {
    const fixing = correcting();
    heading.textContent = fixing ? t("painpoints.form.correctHeading") : t("painpoints.form.heading");
    submit.textContent = fixing ? t("painpoints.form.resubmit") : t("painpoints.form.submit");
    mode.hidden = ticket === null;
    mode.textContent = !ticket ? "" : fixing ? t("painpoints.form.asCorrection", { attempt: ticket.attempts + 1 }) : t("painpoints.form.asNew");
  }

  /** Sets a field to `value` unless the person typed something else into it since `sent` was sent. */
  function settle(field: HTMLInputElement | HTMLTextAreaElement, sent: string, value: string): void {
    if (field.value === sent) field.value = value;
  }

  function showRefusal(refused: Ticket, reasons: Rejection[], sent: Sent | null = null): void {
    ticket = refused;
    options.drafts.set(CORRECTING, { ...refused, reasons } satisfies Ticket);
    replaceChildren(
      refusal,
      h("p", { class: "refusal-head" }, t("painpoints.form.notRecorded")),
      reasonList(reasons),
      h("p", { class: "hint" }, t("painpoints.form.correctHint")),
    );
    refusal.hidden = false;
    const now = sent ?? values();
    settle(text, now.text, refused.latestText ?? refused.text);
    settle(customer, now.customer, refused.customer);
    settle(product, now.product, refused.product ?? "");
    settle(tags, now.tags, refused.tags.join(", "));
    startOver.hidden = false;
    showMode();
    if (!sent) text.focus();
  }

  /** What the form holds for a ticket: its text, customer, product and tags. */
  function ticketValues(of: Ticket): Sent {
    return { text: of.latestText ?? of.text, customer: of.customer, product: of.product ?? "", tags: of.tags.join(", ") };
  }

  /** Back to a new pain point; a field is emptied only if it still holds `sent` (nothing typed is lost). */
  function reset(sent: Sent): void {
    ticket = null;
    options.drafts.delete(CORRECTING);
    refusal.hidden = true;
    replaceChildren(refusal);
    settle(text, sent.text, "");
    settle(customer, sent.customer, options.customer);
    settle(product, sent.product, "");
    settle(tags, sent.tags, "");
    startOver.hidden = true;
    showMode();
  }

  function setSending(on: boolean): void {
    sending = on;
    submit.disabled = on;
    submit.setAttribute("aria-busy", String(on));
    // Shown once a submission takes noticeable time, so a quick one does not flash it.
    window.clearTimeout(preparingTimer);
    if (on) preparingTimer = window.setTimeout(() => (preparing.hidden = false), PREPARING_AFTER_MS);
    else preparing.hidden = true;
  }

  async function send(event: Event): Promise<void> {
    event.preventDefault();
    if (sending) return;
    notice.clear();
    const sent = values();
    const fixing = correcting();
    setSending(true);
    try {
      let result: SubmitResult;
      if (fixing) {
        result = (await request(ResubmitTicketDocument, { id: fixing.id, text: sent.text })).resubmitTicket;
      } else {
        const input: PainPointInput = {
          caseId: options.caseId,
          text: sent.text,
          customer: sent.customer.trim() || null,
          product: sent.product.trim() || null,
          tags: splitTags(sent.tags),
        };
        result = (await request(SubmitPainPointDocument, { input })).submitPainPoint;
      }
      if (result.__typename === "PainPointRejected") {
        showRefusal(result.ticket, result.reasons, sent);
        options.onTicketsChanged();
        return;
      }
      // A new text accepted while a refused one waits: that one stays open in the list to correct.
      reset(sent);
      options.onAccepted(result);
      if (fixing) options.onTicketsChanged();
      notice.show(await acceptedMessage(result, fixing !== null), "info");
    } catch (error) {
      notice.show(errorMessage(error));
    } finally {
      setSending(false);
    }
  }

  startOver.addEventListener("click", () => {
    if (ticket) reset(ticketValues(ticket));
    notice.clear();
    text.focus();
  });
  for (const field of [text, customer, product, tags]) field.addEventListener("input", showMode);

  const el = h(
    "form",
    { class: "pain-point-form", "data-testid": "pain-point-form", onsubmit: (event) => void send(event) },
    heading,
    refusal,
    h("label", {}, t("painpoints.form.text"), text),
    mode,
    h(
      "div",
      { class: "field-row" },
      h("label", {}, t("painpoints.form.customer"), customer),
      h("label", {}, t("painpoints.form.product"), product),
    ),
    h("label", {}, t("painpoints.form.tags"), tags),
    notice.el,
    h("div", { class: "form-actions" }, submit, startOver, preparing),
  );
  const open = options.drafts.get(CORRECTING) as Ticket | undefined;
  if (open) showRefusal(open, open.reasons);
  return {
    el,
    async correct(chosen: Ticket) {
      notice.clear();
      // "Correct" loads the refused text; a text of the person's own in the form is replaced only if they say so.
      const typed = text.value.trim() !== "" && (!ticket || text.value !== ticketValues(ticket).text);
      if (typed && !(await confirmDialog(t("painpoints.form.replaceTyped"), t("painpoints.tickets.correct")))) return;
      for (const field of [text, customer, product, tags]) field.value = "";
      showRefusal(chosen, chosen.reasons, values());
      text.focus();
      el.scrollIntoView({ block: "nearest" });
    },
  };
}
