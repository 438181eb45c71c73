// One notification in the inbox: who did what where and when, marked while unread, and a link to the thing
// it is about (a comment thread opens in its case, a material request in the case's materials tab, an
// adopted pain point in the case's pain points tab, a decided redemption in the wallet, a knowledge asset's
// new version the asset's page with what changed since the version before).

import type { NotificationFieldsFragment } from "../api/generated/graphql";
import type { User } from "../api/types";
import { renderBody } from "../comments/mentions";
import { t } from "../i18n";
import { slot, withNodes } from "../i18n/nodes";
import { casePath, knowledgePath } from "../router";
import { h } from "../ui/dom";
import { timeElement } from "../ui/time";

export type Notification = NotificationFieldsFragment;

const EXCERPT_CHARS = 140;

/** Where the notification leads (a hash), or null when what it was about is gone. */
export function targetOf(item: Notification, me: User | null): string | null {
  const access = item.materialAccessRequest;
  if (item.kind === "ACCESS_REQUESTED" && me?.role === "LEGAL") return "#/access-requests";
  if (item.kind === "REDEMPTION_DECIDED") return "#/wallet";
  if (item.kind === "ASSET_VERSION_PUBLISHED") {
    if (!item.knowledgeAsset) return null; // no longer in its audience
    const version = item.assetVersion ?? item.knowledgeAsset.version;
    return `#${knowledgePath(item.knowledgeAsset.id, version > 1 ? { from: version - 1, to: version } : null)}`;
  }
  const caseId = item.case?.id ?? access?.caseId ?? item.painPoint?.caseId ?? null;
  if (!caseId) return null;
  if (item.comment) return `#${casePath(caseId, { thread: item.comment.threadId })}`;
  if (access) return `#${casePath(caseId, { tab: "materials" })}`;
  if (item.kind === "PAIN_POINT_ADOPTED") return `#${casePath(caseId, { tab: "pain-points" })}`;
  return `#${casePath(caseId)}`;
}

/** The message of the kind: a redemption's says what HR decided (then, not now). */
type MessageKind = Exclude<Notification["kind"], "REDEMPTION_DECIDED"> | "REDEMPTION_APPROVED" | "REDEMPTION_REJECTED";

function messageKey(item: Notification): `notifications.kind.${MessageKind}` {
  if (item.kind === "REDEMPTION_DECIDED") return item.redemptionDecision === "REJECTED" ? "notifications.kind.REDEMPTION_REJECTED" : "notifications.kind.REDEMPTION_APPROVED";
  return `notifications.kind.${item.kind}`;
}

/** What happened, as a sentence with the actor and the case (or material, or reward) in bold. */
function summary(item: Notification): (Node | string)[] {
  const actor = h("strong", { class: "notification-actor" }, item.actor?.name ?? t("common.someone"));
  const place = h("strong", { class: "notification-case" }, item.case?.title ?? t("notifications.item.someCase"));
  const material = h("strong", { class: "notification-material" }, item.materialAccessRequest?.materialName ?? t("notifications.item.someMaterial"));
  const reward = h("strong", { class: "notification-reward" }, item.redemption?.reward.name ?? t("notifications.item.someReward"));
  const asset = h("strong", { class: "notification-asset" }, item.knowledgeAsset?.title ?? t("notifications.item.someAsset"));
  const slots = { actor: slot("actor"), case: slot("case"), material: slot("material"), reward: slot("reward"), asset: slot("asset"), version: item.assetVersion ?? "" };
  return withNodes(t(messageKey(item), slots), { actor, case: place, material, reward, asset });
}

function clip(text: string): string {
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}

function excerpt(item: Notification): HTMLElement | null {
  if (item.painPoint) return h("p", { class: "notification-excerpt" }, h("q", { class: "notification-quote" }, clip(item.painPoint.text)));
  const reason = item.redemptionDecision === "REJECTED" ? item.redemption?.reason : null;
  if (reason) return h("p", { class: "notification-excerpt notification-reason" }, t("notifications.item.reason", { reason: clip(reason) }));
  const comment = item.comment;
  if (!comment) return null;
  if (comment.deleted) return h("p", { class: "notification-excerpt comment-deleted" }, t("comments.thread.deleted"));
  const body = clip(comment.body);
  const quote = comment.anchor ? (comment.anchor.currentQuote ?? comment.anchor.quote) : null;
  return h(
    "div",
    { class: "notification-excerpt" },
    quote ? h("q", { class: "notification-quote" }, quote) : null,
    h("p", { class: "notification-body" }, ...renderBody(body)),
  );
}

/** A plain-text summary (for the accessible names of its buttons). */
export function summaryText(item: Notification): string {
  return summary(item)
    .map((part) => (typeof part === "string" ? part : (part.textContent ?? "")))
    .join("");
}

export interface ItemActions {
  /** Marks the notification read (a click on it does too, on its way to the thing). */
  markRead: (item: Notification) => void;
}

export function notificationItem(item: Notification, me: User | null, actions: ItemActions): HTMLElement {
  const unread = item.readAt === null;
  const target = targetOf(item, me);
  const dot = unread ? h("span", { class: "notification-dot", "data-testid": "unread-mark" }, h("span", { class: "visually-hidden" }, t("notifications.item.unread"))) : null;
  const content = [
    h("span", { class: "notification-summary" }, dot, ...summary(item)),
    excerpt(item),
    h("span", { class: "notification-time" }, timeElement(item.createdAt)),
  ];
  const main = target
    ? h(
        "a",
        {
          class: "notification-open",
          href: target,
          "data-testid": "notification-open",
          // The link goes on as usual; marking read is sent on the way (the bell follows through its event).
          onclick: () => {
            if (unread) actions.markRead(item);
          },
        },
        ...content,
      )
    : h("div", { class: "notification-open" }, ...content);
  return h(
    "li",
    { class: `notification${unread ? " notification-unread" : ""}`, "data-testid": "notification", "data-kind": item.kind, "data-unread": String(unread), "data-id": item.id },
    main,
    unread
      ? h(
          "button",
          {
            type: "button",
            class: "button-quiet notification-mark",
            "data-testid": "mark-read",
            "aria-label": t("notifications.inbox.markReadOf", { what: summaryText(item) }),
            onclick: () => actions.markRead(item),
          },
          t("notifications.inbox.markRead"),
        )
      : null,
  );
}
