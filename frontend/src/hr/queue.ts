// HR's redemption queue: approve or reject what was asked for, hand over what was approved.

import { request } from "../api/client";
import { ApproveRedemptionDocument, FulfilRedemptionDocument, RedemptionQueueDocument, RejectRedemptionDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { redemptionList } from "../points/redemptions";
import type { Redemption, RedemptionStatus } from "../points/types";
import { h } from "../ui/dom";
import { noticeArea } from "../ui/notice";

const FILTERS: { value: RedemptionStatus | ""; label: string }[] = [
  { value: "REQUESTED", label: "Pending" },
  { value: "APPROVED", label: "Approved, to hand over" },
  { value: "FULFILLED", label: "Fulfilled" },
  { value: "REJECTED", label: "Rejected" },
  { value: "", label: "All" },
];

export function redemptionQueue(): { el: HTMLElement; reload: () => Promise<void> } {
  const notice = noticeArea();
  const filter = h(
    "select",
    { "aria-label": "Show redemptions", "data-testid": "queue-filter" },
    ...FILTERS.map((f) => h("option", { value: f.value }, f.label)),
  );
  const more = h("button", { type: "button", class: "button-quiet", hidden: true }, "Show more");
  let cursor: string | null = null;

  async function decide(run: () => Promise<Redemption>, done: string): Promise<void> {
    notice.clear();
    try {
      const updated = await run();
      // The row stays where it is with its new status, so the next step (fulfil) is one click away.
      list.upsert(updated);
      notice.show(`${updated.reward.name} for ${updated.requester.name}: ${done}`, "info");
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  function rejectForm(item: Redemption, holder: HTMLElement): void {
    const reason = h("input", { required: true, maxlength: 500, placeholder: "Why (the requester sees this)", "aria-label": "Reason for rejecting" });
    const form = h(
      "form",
      {
        class: "inline-form",
        onsubmit: (event) => {
          event.preventDefault();
          void decide(
            async () => (await request(RejectRedemptionDocument, { id: item.id, reason: reason.value.trim() })).rejectRedemption,
            "rejected; the points went back.",
          );
        },
      },
      reason,
      h("button", { type: "submit", class: "button-primary" }, "Reject"),
      h("button", { type: "button", class: "button-quiet", onclick: () => form.remove() }, "Cancel"),
    );
    holder.append(form);
    reason.focus();
  }

  function actions(item: Redemption): HTMLElement | null {
    if (item.status !== "REQUESTED" && item.status !== "APPROVED") return null;
    const holder = h("div", { class: "row-actions" });
    if (item.status === "REQUESTED") {
      holder.append(h("button", { type: "button", class: "button-primary", onclick: () => void decide(async () => (await request(ApproveRedemptionDocument, { id: item.id })).approveRedemption, "approved.") }, "Approve"));
    } else {
      holder.append(h("button", { type: "button", class: "button-primary", onclick: () => void decide(async () => (await request(FulfilRedemptionDocument, { id: item.id })).fulfilRedemption, "handed over.") }, "Mark fulfilled"));
    }
    holder.append(h("button", { type: "button", class: "button-quiet", onclick: () => { if (!holder.querySelector("form")) rejectForm(item, holder); } }, "Reject…"));
    return holder;
  }

  const list = redemptionList({ emptyText: "Nothing here.", showRequester: true, actions });

  async function load(reset: boolean): Promise<void> {
    if (reset) cursor = null;
    more.disabled = true;
    try {
      const { redemptions } = await request(RedemptionQueueDocument, {
        status: (filter.value || null) as RedemptionStatus | null,
        first: 20,
        after: cursor,
      });
      if (reset) list.set(redemptions.nodes);
      else list.append(redemptions.nodes);
      cursor = redemptions.pageInfo.endCursor;
      more.hidden = !redemptions.pageInfo.hasNextPage;
    } catch (error) {
      notice.show(errorMessage(error));
    } finally {
      more.disabled = false;
    }
  }

  filter.addEventListener("change", () => void load(true));
  more.addEventListener("click", () => void load(false));
  void load(true);

  const el = h(
    "section",
    { class: "card", "aria-labelledby": "queue-title", "data-testid": "redemption-queue" },
    h("div", { class: "card-head" }, h("h2", { id: "queue-title" }, "Redemptions"), filter, h("button", { type: "button", class: "button-quiet", onclick: () => void load(true) }, "Refresh")),
    notice.el,
    list.el,
    more,
  );
  return { el, reload: () => load(true) };
}
