// What waits for a second person: orders won (HR, finance, admins approve) and large adjustments (another
// HR person approves). Nobody approves their own: such a row has no Approve button and says why (the server
// refuses it all the same); the one who asked may still withdraw it (Reject).

import { request } from "../api/client";
import {
  ApproveAdjustmentDocument,
  ApproveOrderDocument,
  PendingAdjustmentsDocument,
  PendingOrdersDocument,
  RejectAdjustmentDocument,
  RejectOrderDocument,
  type AdjustmentRequestFieldsFragment,
  type OrderWonFieldsFragment,
} from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { t } from "../i18n";
import { formatMoney, formatNames } from "../i18n/format";
import { signedPoints } from "../points/labels";
import { getUser } from "../session";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import "../styles/approvals.css";

type Notice = ReturnType<typeof noticeArea>;

function rejectForm(holder: HTMLElement, label: string, reject: (reason: string) => Promise<void>): void {
  if (holder.querySelector("form")) return;
  const reason = h("input", { required: true, maxlength: 500, placeholder: t("hr.reasonPlaceholder"), "aria-label": label });
  const form = h(
    "form",
    {
      class: "inline-form",
      onsubmit: (event) => {
        event.preventDefault();
        void reject(reason.value.trim());
      },
    },
    reason,
    h("button", { type: "submit", class: "button-primary" }, t("common.reject")),
    h("button", { type: "button", class: "button-quiet", onclick: () => form.remove() }, t("common.cancel")),
  );
  holder.append(form);
  reason.focus();
}

async function decide(notice: Notice, run: () => Promise<unknown>, done: string, row: HTMLElement): Promise<void> {
  notice.clear();
  // One decision at a time per row: a second click while the first is on its way would only be refused.
  const buttons = [...row.querySelectorAll("button")];
  for (const button of buttons) button.disabled = true;
  try {
    await run();
    row.remove();
    notice.show(done, "info");
  } catch (error) {
    notice.show(errorMessage(error, "approval"));
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}

/** What the signed-in person may do with a row, as the server decides it: `why` they may not approve it
 * (null when they may), and whether they may reject (withdraw) it. */
interface Decidable {
  why: string | null;
  reject: boolean;
}

function orderDecidable(order: OrderWonFieldsFragment, me: string | undefined): Decidable {
  // Someone credited decides nothing about the order; its recorder may withdraw it, never approve it.
  if (me && order.creditedAuthors.some((person) => person.id === me)) return { why: t("hr.approvals.creditedOrder"), reject: false };
  if (me && order.recordedBy?.id === me) return { why: t("hr.approvals.ownOrder"), reject: true };
  return { why: null, reject: true };
}

function adjustmentDecidable(item: AdjustmentRequestFieldsFragment, me: string | undefined): Decidable {
  if (me && item.user?.id === me) return { why: t("hr.approvals.ownPoints"), reject: false };
  if (me && item.requestedBy?.id === me) return { why: t("hr.approvals.ownRequest"), reject: true };
  return { why: null, reject: true };
}

function actions(holder: HTMLElement, ...buttons: (HTMLElement | null)[]): void {
  for (const button of buttons) if (button) holder.append(button);
}

function approveButton(onclick: () => void): HTMLElement {
  return h("button", { type: "button", class: "button-primary", onclick }, t("common.approve"));
}

/** "Reject…": opens the form asking why (`label`), then `reject`s with the reason given. */
function rejectButton(holder: HTMLElement, label: string, reject: (reason: string) => Promise<void>): HTMLElement {
  return h("button", { type: "button", class: "button-quiet", onclick: () => rejectForm(holder, label, reject) }, t("common.rejectMore"));
}

function notYours(why: string): HTMLElement {
  return h("span", { class: "hint not-yours", "data-testid": "not-yours" }, why);
}

function orderRow(order: OrderWonFieldsFragment, notice: Notice): HTMLElement {
  const credited = formatNames(order.creditedAuthors.map((person) => person.name)) || t("hr.approvals.noPainPoints");
  const holder = h("div", { class: "row-actions" });
  const row = h(
    "li",
    { class: "approval", "data-testid": "pending-order", "data-reference": order.reference ?? "" },
    h("span", { class: "approval-title" }, t("hr.approvals.order", { reference: order.reference ?? order.id, amount: formatMoney(order.amount) })),
    h("span", { class: "hint" }, t("hr.approvals.recordedBy", { name: order.recordedBy?.name ?? t("common.someone"), credited })),
    holder,
  );
  const may = orderDecidable(order, getUser()?.id);
  actions(
    holder,
    may.why
      ? notYours(may.why)
      : approveButton(() => void decide(notice, () => request(ApproveOrderDocument, { orderId: order.id }), t("hr.approvals.orderApproved", { reference: order.reference ?? order.id }), row)),
    may.reject
      ? rejectButton(holder, t("hr.approvals.rejectOrderReason"), (reason) =>
          decide(notice, () => request(RejectOrderDocument, { orderId: order.id, reason }), t("hr.approvals.orderRejected", { reference: order.reference ?? order.id }), row),
        )
      : null,
  );
  return row;
}

function adjustmentRow(item: AdjustmentRequestFieldsFragment, notice: Notice): HTMLElement {
  const holder = h("div", { class: "row-actions" });
  const signed = signedPoints(item.delta);
  const who = { signed, count: Math.abs(item.delta), name: item.user?.name ?? t("common.someone") };
  const row = h(
    "li",
    { class: "approval", "data-testid": "pending-adjustment", "data-user-id": item.user?.id ?? "" },
    h("span", { class: "approval-title" }, t("hr.approvals.adjustment", who)),
    h("span", { class: "hint" }, t("hr.approvals.askedBy", { name: item.requestedBy?.name ?? t("common.someone"), reason: item.reason })),
    holder,
  );
  const may = adjustmentDecidable(item, getUser()?.id);
  actions(
    holder,
    may.why
      ? notYours(may.why)
      : approveButton(() => void decide(notice, () => request(ApproveAdjustmentDocument, { requestId: item.id }), t("hr.approvals.adjustmentApproved", who), row)),
    may.reject
      ? rejectButton(holder, t("hr.approvals.rejectAdjustmentReason"), (reason) =>
          decide(notice, () => request(RejectAdjustmentDocument, { requestId: item.id, reason }), t("hr.approvals.adjustmentRejected"), row),
        )
      : null,
  );
  return row;
}

/** The approvals card; `adjustments` false for finance, who approve orders only. */
export function approvals(options: { adjustments: boolean }): HTMLElement {
  const notice = noticeArea();
  const orders = h("ul", { class: "approval-list", "aria-label": t("hr.approvals.ordersWaiting") });
  const adjustments = h("ul", { class: "approval-list", "aria-label": t("hr.approvals.adjustmentsWaiting") });

  async function load(): Promise<void> {
    try {
      const { pendingOrders } = await request(PendingOrdersDocument, { first: 50 });
      replaceChildren(orders, ...pendingOrders.nodes.map((order) => orderRow(order, notice)));
      if (pendingOrders.nodes.length === 0) orders.append(h("li", { class: "empty" }, t("hr.approvals.noOrders")));
      if (options.adjustments) {
        const { pendingAdjustments } = await request(PendingAdjustmentsDocument, { first: 50 });
        replaceChildren(adjustments, ...pendingAdjustments.nodes.map((item) => adjustmentRow(item, notice)));
        if (pendingAdjustments.nodes.length === 0) adjustments.append(h("li", { class: "empty" }, t("hr.approvals.noAdjustments")));
      }
    } catch (error) {
      notice.show(errorMessage(error, "approval"));
    }
  }
  void load();

  return h(
    "section",
    { class: "card", "aria-labelledby": "approvals-title", "data-testid": "approvals" },
    h("div", { class: "card-head" }, h("h2", { id: "approvals-title" }, t("hr.approvals.pending")), h("button", { type: "button", class: "button-quiet", onclick: () => void load() }, t("common.refresh"))),
    notice.el,
    h("h3", {}, t("hr.approvals.ordersWon")),
    orders,
    options.adjustments ? h("h3", {}, t("hr.approvals.adjustments")) : null,
    options.adjustments ? adjustments : null,
  );
}
