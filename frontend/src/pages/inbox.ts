// The inbox (#/inbox): my notifications, newest first, the unread ones marked; mark one or all read; a click
// marks it read and opens what it is about. Live: a new notification shows at once, and marking read on
// another device shows here too.

import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { MarkAllNotificationsReadDocument, MarkNotificationsReadDocument, NotificationsDocument } from "../api/generated/graphql";
import { t } from "../i18n";
import { formatNumber } from "../i18n/format";
import { notificationItem, type Notification } from "../notifications/item";
import { onNotificationEvent, refreshUnread, watchUnread } from "../notifications/unread";
import { getUser } from "../session";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import type { Page } from "../ui/page";

const PAGE_SIZE = 20;
const MOST_RELOADED = 100;

export function inboxPage(): Page {
  const me = getUser();
  const notice = noticeArea();
  const list = h("ul", { class: "notifications", "data-testid": "notifications", "aria-labelledby": "inbox-title" });
  const summary = h("p", { class: "hint", "data-testid": "inbox-unread", "aria-live": "polite" });
  const unreadOnly = h("input", { type: "checkbox", "data-testid": "unread-only", onchange: () => void reload() });
  const markAll = h("button", { type: "button", class: "button-quiet", "data-testid": "mark-all-read", onclick: () => void readAll() }, t("notifications.inbox.markAll"));
  const more = h("button", { type: "button", class: "button-quiet", hidden: true, onclick: () => void load() }, t("notifications.inbox.more"));
  let items: Notification[] = [];
  // Those that arrived live, oldest first: a first page asked for before one arrived must not drop it.
  const arrived: Notification[] = [];
  let after: string | null = null;
  let loading = 0;

  function render(): void {
    const actions = { markRead: (item: Notification) => void markRead(item) };
    replaceChildren(
      list,
      ...(items.length
        ? items.map((item) => notificationItem(item, me, actions))
        : [h("li", { class: "empty" }, unreadOnly.checked ? t("notifications.inbox.emptyUnread") : t("notifications.inbox.empty"))]),
    );
  }

  /** The next page, or (`fresh`) the first `size` again. */
  async function load(fresh = false, size = PAGE_SIZE): Promise<void> {
    const attempt = ++loading;
    const known = arrived.length;
    more.disabled = true;
    try {
      const { notifications } = await request(NotificationsDocument, {
        first: size,
        after: fresh ? null : after,
        unreadOnly: unreadOnly.checked,
      });
      if (attempt !== loading) return;
      const late = arrived.slice(known).filter((n) => !notifications.nodes.some((m) => m.id === n.id)).reverse();
      items = fresh ? [...late, ...notifications.nodes] : [...items, ...notifications.nodes.filter((n) => !items.some((i) => i.id === n.id))];
      after = notifications.pageInfo.endCursor;
      more.hidden = !notifications.pageInfo.hasNextPage;
      notice.clear();
      render();
    } catch (error) {
      notice.show(errorMessage(error));
    } finally {
      more.disabled = false;
    }
  }

  /** The same notifications again (as many as are shown), e.g. after some were marked read elsewhere. */
  function reload(): Promise<void> {
    return load(true, Math.min(MOST_RELOADED, Math.max(PAGE_SIZE, items.length)));
  }

  async function markRead(item: Notification): Promise<void> {
    try {
      await request(MarkNotificationsReadDocument, { ids: [item.id] });
      items = unreadOnly.checked ? items.filter((i) => i.id !== item.id) : items.map((i) => (i.id === item.id ? { ...i, readAt: i.readAt ?? new Date().toISOString() } : i));
      render();
      refreshUnread();
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }

  async function readAll(): Promise<void> {
    markAll.disabled = true;
    try {
      await request(MarkAllNotificationsReadDocument);
      refreshUnread();
      await reload();
    } catch (error) {
      notice.show(errorMessage(error));
    } finally {
      markAll.disabled = false;
    }
  }

  const stopUnread = watchUnread(({ count }) => {
    const unread = count ?? 0;
    summary.textContent = unread ? t("notifications.inbox.count", { count: unread, shown: formatNumber(unread) }) : t("notifications.inbox.allRead");
    markAll.hidden = unread === 0;
  });
  const stopEvents = onNotificationEvent((event) => {
    if (event.kind === "CREATED" && event.notification) {
      const created = event.notification;
      arrived.push(created);
      if (!items.some((i) => i.id === created.id)) items = [created, ...items];
      render();
    } else {
      // READ (some marked read, perhaps on another device), or COUNT (the socket is back): read the list again.
      void reload();
    }
  });

  const el = h(
    "section",
    { class: "inbox" },
    h(
      "div",
      { class: "inbox-head" },
      h("h1", { id: "inbox-title" }, t("notifications.inbox.title")),
      h("label", { class: "inbox-filter" }, unreadOnly, t("notifications.inbox.unreadOnly")),
      markAll,
    ),
    h("p", { class: "hint" }, t("notifications.inbox.intro")),
    summary,
    notice.el,
    list,
    more,
  );
  void load(true);
  return {
    el,
    dispose() {
      stopUnread();
      stopEvents();
    },
  };
}
