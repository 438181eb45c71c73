// What waits for a second person: orders won (HR, finance, admins approve) and large adjustments (another
// HR person approves). Nobody approves their own: the server refuses, and says why.

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
import { formatNames, formatNumber } from "../i18n/format";
import { signedPoints } from "../points/labels";
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
  try {
    await run();
    row.remove();
    notice.show(done, "info");
  } catch (error) {
    notice.show(errorMessage(error, "approval"));
  }
}

/** An order's amount (a decimal string) with the UI language's digit grouping: "88,000.00". */
function amountOf(amount: string): string {
  const value = Number(amount);
  return Number.isFinite(value) ? formatNumber(value, { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : amount;
}

function orderRow(order: OrderWonFieldsFragment, notice: Notice): HTMLElement {
  const credited = formatNames(order.creditedAuthors.map((person) => person.name)) || t("hr.approvals.noPainPoints");
  const holder = h("div", { class: "row-actions" });
  const row = h(
    "li",
    { class: "approval", "data-testid": "pending-order", "data-reference": order.reference ?? "" },
    h("span", { class: "approval-title" }, t("hr.approvals.order", { reference: order.reference ?? order.id, amount: amountOf(order.amount) })),
    h("span", { class: "hint" }, t("hr.approvals.recordedBy", { name: order.recordedBy?.name ?? t("common.someone"), credited })),
    holder,
  );
  holder.append(
    h(
      "button",
      {
        type: "button",
        class: "button-primary",
        onclick: () => void decide(notice, () => request(ApproveOrderDocument, { orderId: order.id }), t("hr.approvals.orderApproved", { reference: order.reference ?? order.id }), row),
      },
      t("common.approve"),
    ),
    h(
      "button",
      {
        type: "button",
        class: "button-quiet",
        onclick: () =>
          rejectForm(holder, t("hr.approvals.rejectOrderReason"), (reason) =>
            decide(notice, () => request(RejectOrderDocument, { orderId: order.id, reason }), t("hr.approvals.orderRejected", { reference: order.reference ?? order.id }), row),
          ),
      },
      t("common.rejectMore"),
    ),
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
  holder.append(
    h(
      "button",
      {
        type: "button",
        class: "button-primary",
        onclick: () => void decide(notice, () => request(ApproveAdjustmentDocument, { requestId: item.id }), t("hr.approvals.adjustmentApproved", who), row),
      },
      t("common.approve"),
    ),
    h(
      "button",
      {
        type: "button",
        class: "button-quiet",
        onclick: () =>
          rejectForm(holder, t("hr.approvals.rejectAdjustmentReason"), (reason) =>
            decide(notice, () => request(RejectAdjustmentDocument, { requestId: item.id, reason }), t("hr.approvals.adjustmentRejected"), row),
          ),
      },
      t("common.rejectMore"),
    ),
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
    h("div", { class: "card-head" }, h("h2", { id: "approvals-title" }, t("hr.approvals.title")), h("button", { type: "button", class: "button-quiet", onclick: () => void load() }, t("common.refresh"))),
    notice.el,
    h("h3", {}, t("hr.approvals.ordersWon")),
    orders,
    options.adjustments ? h("h3", {}, t("hr.approvals.adjustments")) : null,
    options.adjustments ? adjustments : null,
  );
}
