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
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import "../styles/approvals.css";

type Notice = ReturnType<typeof noticeArea>;

function rejectForm(holder: HTMLElement, label: string, reject: (reason: string) => Promise<void>): void {
  if (holder.querySelector("form")) return;
  const reason = h("input", { required: true, maxlength: 500, placeholder: "Why (the requester sees this)", "aria-label": label });
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
    h("button", { type: "submit", class: "button-primary" }, "Reject"),
    h("button", { type: "button", class: "button-quiet", onclick: () => form.remove() }, "Cancel"),
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
    notice.show(errorMessage(error));
  }
}

function orderRow(order: OrderWonFieldsFragment, notice: Notice): HTMLElement {
  const credited = order.creditedAuthors.map((person) => person.name).join(", ") || "no pain points";
  const holder = h("div", { class: "row-actions" });
  const row = h(
    "li",
    { class: "approval", "data-testid": "pending-order", "data-reference": order.reference ?? "" },
    h("span", { class: "approval-title" }, `Order ${order.reference ?? order.id} · ${order.amount}`),
    h("span", { class: "hint" }, `Recorded by ${order.recordedBy?.name ?? "someone"}; credits ${credited}`),
    holder,
  );
  holder.append(
    h(
      "button",
      {
        type: "button",
        class: "button-primary",
        onclick: () => void decide(notice, () => request(ApproveOrderDocument, { orderId: order.id }), `Order ${order.reference} approved: its points are on their way.`, row),
      },
      "Approve",
    ),
    h(
      "button",
      {
        type: "button",
        class: "button-quiet",
        onclick: () =>
          rejectForm(holder, "Reason for rejecting the order", (reason) =>
            decide(notice, () => request(RejectOrderDocument, { orderId: order.id, reason }), `Order ${order.reference} rejected.`, row),
          ),
      },
      "Reject…",
    ),
  );
  return row;
}

function adjustmentRow(item: AdjustmentRequestFieldsFragment, notice: Notice): HTMLElement {
  const holder = h("div", { class: "row-actions" });
  const signed = item.delta > 0 ? `+${item.delta}` : String(item.delta);
  const row = h(
    "li",
    { class: "approval", "data-testid": "pending-adjustment", "data-user-id": item.user?.id ?? "" },
    h("span", { class: "approval-title" }, `${signed} points for ${item.user?.name ?? "someone"}`),
    h("span", { class: "hint" }, `Asked by ${item.requestedBy?.name ?? "someone"}: ${item.reason}`),
    holder,
  );
  holder.append(
    h(
      "button",
      {
        type: "button",
        class: "button-primary",
        onclick: () => void decide(notice, () => request(ApproveAdjustmentDocument, { requestId: item.id }), `${signed} points for ${item.user?.name ?? "someone"} approved.`, row),
      },
      "Approve",
    ),
    h(
      "button",
      {
        type: "button",
        class: "button-quiet",
        onclick: () =>
          rejectForm(holder, "Reason for rejecting the adjustment", (reason) =>
            decide(notice, () => request(RejectAdjustmentDocument, { requestId: item.id, reason }), "Adjustment rejected.", row),
          ),
      },
      "Reject…",
    ),
  );
  return row;
}

/** The approvals card; `adjustments` false for finance, who approve orders only. */
export function approvals(options: { adjustments: boolean }): HTMLElement {
  const notice = noticeArea();
  const orders = h("ul", { class: "approval-list", "aria-label": "Orders waiting for approval" });
  const adjustments = h("ul", { class: "approval-list", "aria-label": "Adjustments waiting for approval" });

  async function load(): Promise<void> {
    try {
      const { pendingOrders } = await request(PendingOrdersDocument, { first: 50 });
      replaceChildren(orders, ...pendingOrders.nodes.map((order) => orderRow(order, notice)));
      if (pendingOrders.nodes.length === 0) orders.append(h("li", { class: "empty" }, "No orders waiting."));
      if (options.adjustments) {
        const { pendingAdjustments } = await request(PendingAdjustmentsDocument, { first: 50 });
        replaceChildren(adjustments, ...pendingAdjustments.nodes.map((item) => adjustmentRow(item, notice)));
        if (pendingAdjustments.nodes.length === 0) adjustments.append(h("li", { class: "empty" }, "No adjustments waiting."));
      }
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }
  void load();

  return h(
    "section",
    { class: "card", "aria-labelledby": "approvals-title", "data-testid": "approvals" },
    h("div", { class: "card-head" }, h("h2", { id: "approvals-title" }, "Approvals"), h("button", { type: "button", class: "button-quiet", onclick: () => void load() }, "Refresh")),
    notice.el,
    h("h3", {}, "Orders won"),
    orders,
    options.adjustments ? h("h3", {}, "Adjustments") : null,
    options.adjustments ? adjustments : null,
  );
}
