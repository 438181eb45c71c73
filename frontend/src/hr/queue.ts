// HR's redemption queue: approve or reject what was asked for, hand over what was approved.

import { request } from "../api/client";
import { ApproveRedemptionDocument, FulfilRedemptionDocument, RedemptionQueueDocument, RejectRedemptionDocument } from "../api/generated/graphql";
import { errorMessage } from "../api/errors";
import { redemptionList } from "../points/redemptions";
import type { Redemption, RedemptionStatus } from "../points/types";
import { t } from "../i18n";
import { h } from "../ui/dom";
import { noticeArea } from "../ui/notice";

const FILTERS: { value: RedemptionStatus | ""; label: () => string }[] = [
  { value: "REQUESTED", label: () => t("points.statuses.REQUESTED") },
  { value: "APPROVED", label: () => t("hr.queue.toHandOver") },
  { value: "FULFILLED", label: () => t("points.statuses.FULFILLED") },
  { value: "REJECTED", label: () => t("points.statuses.REJECTED") },
  { value: "", label: () => t("hr.queue.all") },
];

export function redemptionQueue(): { el: HTMLElement; reload: () => Promise<void> } {
  const notice = noticeArea();
  const filter = h(
    "select",
    { "aria-label": t("hr.queue.filter"), "data-testid": "queue-filter" },
    ...FILTERS.map((f) => h("option", { value: f.value }, f.label())),
  );
  const more = h("button", { type: "button", class: "button-quiet", hidden: true }, t("common.showMore"));
  let cursor: string | null = null;

  async function decide(run: () => Promise<Redemption>, done: string): Promise<void> {
    notice.clear();
    try {
      const updated = await run();
      // The row stays where it is with its new status, so the next step (fulfil) is one click away.
      list.upsert(updated);
      notice.show(t("hr.queue.done", { reward: updated.reward.name, name: updated.requester.name, outcome: done }), "info");
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  function rejectForm(item: Redemption, holder: HTMLElement): void {
    const reason = h("input", { required: true, maxlength: 500, placeholder: t("hr.reasonPlaceholder"), "aria-label": t("hr.queue.rejectReason") });
    const form = h(
      "form",
      {
        class: "inline-form",
        onsubmit: (event) => {
          event.preventDefault();
          void decide(
            async () => (await request(RejectRedemptionDocument, { id: item.id, reason: reason.value.trim() })).rejectRedemption,
            t("hr.queue.rejected"),
          );
        },
      },
      reason,
      h("button", { type: "submit", class: "button-primary" }, t("common.reject")),
      h("button", { type: "button", class: "button-quiet", onclick: () => form.remove() }, t("common.cancel")),
    );
    holder.append(form);
    reason.focus();
  }

  function actions(item: Redemption): HTMLElement | null {
    if (item.status !== "REQUESTED" && item.status !== "APPROVED") return null;
    const holder = h("div", { class: "row-actions" });
    if (item.status === "REQUESTED") {
      holder.append(h("button", { type: "button", class: "button-primary", onclick: () => void decide(async () => (await request(ApproveRedemptionDocument, { id: item.id })).approveRedemption, t("hr.queue.approved")) }, t("common.approve")));
    } else {
      holder.append(h("button", { type: "button", class: "button-primary", onclick: () => void decide(async () => (await request(FulfilRedemptionDocument, { id: item.id })).fulfilRedemption, t("hr.queue.handedOver")) }, t("hr.queue.markFulfilled")));
    }
    holder.append(h("button", { type: "button", class: "button-quiet", onclick: () => { if (!holder.querySelector("form")) rejectForm(item, holder); } }, t("common.rejectMore")));
    return holder;
  }

  const list = redemptionList({ emptyText: t("hr.queue.empty"), showRequester: true, actions });

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
    h("div", { class: "card-head" }, h("h2", { id: "queue-title" }, t("hr.queue.title")), filter, h("button", { type: "button", class: "button-quiet", onclick: () => void load(true) }, t("common.refresh"))),
    notice.el,
    list.el,
    more,
  );
  return { el, reload: () => load(true) };
}
