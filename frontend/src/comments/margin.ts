// The margin beside the document (as in Google Docs): a card for each open thread, level with its
// passage, placed again on every change of the document, of the page's size and when fonts arrive. The
// active thread's card opens in full (replies, reply box). Where the document is too narrow for cards,
// each thread is a small marker with its number of comments that opens the thread over the text.

import type { Editor } from "@tiptap/core";
import { t } from "../i18n";
import { formatNumber } from "../i18n/format";
import { h, replaceChildren } from "../ui/dom";
import { passageRange } from "./anchor";
import { stack, type Slot } from "./margin-layout";
import { renderBody } from "./mentions";
import { ThreadView, type ThreadContext } from "./thread";
import type { Thread } from "./types";

/** The width (px) of the document and its margin from which cards fit beside the text. */
const CARDS_FROM = 760;
const GAP = 8;

export interface MarginContext extends ThreadContext {
  /** Closes the active thread (Escape, or its close button). */
  deselect: () => void;
}

export interface Margin {
  /** The open threads on a passage, as they are now; `activeId` the thread shown in full. */
  update: (threads: Thread[], activeId: string | null) => void;
  /** Opens a thread in full (null: none); `focus` moves the keyboard focus into it. */
  setActive: (id: string | null, focus?: boolean) => void;
  /** Whether the margin shows cards (the thread is beside its passage) rather than markers. */
  showsCards: () => boolean;
  dispose: () => void;
}

interface Item {
  thread: Thread;
  el: HTMLElement;
  card: HTMLButtonElement;
  marker: HTMLButtonElement;
  full: HTMLElement | null;
  view: ThreadView | null;
}

function plain(body: string): string {
  return renderBody(body)
    .map((node) => node.textContent ?? "")
    .join("")
    .replace(/\s+/g, " ")
    .trim();
}

export function commentMargin(editor: Editor, host: HTMLElement, context: MarginContext): Margin {
  const items = new Map<string, Item>();
  let order: string[] = [];
  let activeId: string | null = null;
  let frame = 0;
  host.classList.add("comment-margin");
  host.setAttribute("aria-label", t("comments.margin.label"));
  host.dataset.testid = "comment-margin";

  function open(thread: Thread): void {
    context.select(thread);
    setActive(thread.id, true);
  }

  function summary(item: Item): void {
    const { thread } = item;
    const count = thread.replies.length;
    const text = thread.deleted ? t("comments.thread.deleted") : plain(thread.body);
    replaceChildren(
      item.card,
      h("span", { class: "margin-card-author" }, thread.author.name),
      h("span", { class: "margin-card-body" }, ...(thread.deleted ? [text] : renderBody(thread.body))),
      count ? h("span", { class: "margin-card-replies" }, t("comments.margin.replies", { count, number: formatNumber(count) })) : null,
    );
    const comments = count + 1;
    item.marker.setAttribute("aria-label", t("comments.margin.marker", { count: comments, number: formatNumber(comments), name: thread.author.name, text }));
    item.marker.title = `${thread.author.name}: ${text}`;
    replaceChildren(item.marker, h("span", { class: "margin-marker-icon", "aria-hidden": "true" }), h("span", { class: "margin-marker-count", "aria-hidden": "true" }, formatNumber(comments)));
  }

  function build(thread: Thread): Item {
    const card = h("button", { type: "button", class: "margin-card", "data-testid": "margin-card", "aria-expanded": "false" });
    const marker = h("button", { type: "button", class: "margin-marker", "data-testid": "margin-marker", "aria-expanded": "false" });
    const el = h("div", { class: "margin-item", "data-thread-id": thread.id }, card, marker);
    const item: Item = { thread, el, card, marker, full: null, view: null };
    card.addEventListener("click", () => open(item.thread));
    marker.addEventListener("click", () => (activeId === item.thread.id ? close(item) : open(item.thread)));
    el.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || activeId !== item.thread.id || event.defaultPrevented) return;
      // In a reply or edit box Escape closes that box only.
      if ((event.target as Element).closest("form")) return;
      event.preventDefault();
      close(item);
    });
    resizes.observe(el);
    return item;
  }

  function close(item: Item): void {
    context.deselect();
    (showsCards() ? item.card : item.marker).focus();
  }

  /** Shows the item in full or as a card, as it is active or not. */
  function expand(item: Item, focus: boolean): void {
    const active = item.thread.id === activeId;
    item.el.classList.toggle("margin-item-active", active);
    item.card.setAttribute("aria-expanded", String(active));
    item.marker.setAttribute("aria-expanded", String(active));
    if (!active) {
      item.full?.remove();
      item.full = null;
      item.view = null;
      return;
    }
    if (!item.view) {
      item.view = new ThreadView(item.thread, "open", context, "margin-thread");
      const closer = h(
        "button",
        { type: "button", class: "margin-close button-quiet", "aria-label": t("comments.margin.close"), title: t("comments.margin.close"), onclick: () => close(item) },
        "×",
      );
      item.full = h("div", { class: "margin-full" }, closer, item.view.el);
      item.el.append(item.full);
    } else {
      item.view.update(item.thread, "open");
    }
    item.view.setActive(true);
    if (focus) item.view.el.focus({ preventScroll: true });
  }

  function setActive(id: string | null, focus = false): void {
    if (id === activeId && !focus) return;
    activeId = id;
    for (const item of items.values()) expand(item, focus && item.thread.id === id);
    schedule();
  }

  function showsCards(): boolean {
    return host.dataset.mode === "cards";
  }

  function layout(): void {
    frame = 0;
    if (editor.isDestroyed || !host.isConnected) return;
    const frameWidth = host.parentElement?.clientWidth ?? 0;
    host.dataset.mode = frameWidth >= CARDS_FROM ? "cards" : "markers";
    host.dataset.empty = String(items.size === 0);
    const cards = showsCards();
    const origin = host.getBoundingClientRect().top;
    const slots: (Slot & { from: number })[] = [];
    for (const id of order) {
      const item = items.get(id)!;
      const range = item.thread.anchor ? passageRange(editor, item.thread.anchor) : null;
      item.el.hidden = range === null;
      if (!range) continue;
      const target = editor.view.coordsAtPos(range.from, 1).top - origin;
      const height = cards ? item.el.offsetHeight : item.marker.offsetHeight;
      slots.push({ id, target, height, from: range.from });
    }
    slots.sort((a, b) => a.from - b.from || a.target - b.target);
    // Tab goes through the cards in the order of their passages (moved only when it changed: a moved
    // element loses the focus).
    const sorted = slots.map((slot) => slot.id);
    const shown = [...host.children].filter((child) => !(child as HTMLElement).hidden).map((child) => (child as HTMLElement).dataset.threadId);
    if (sorted.join() !== shown.join()) for (const id of sorted) host.append(items.get(id)!.el);
    const tops = stack(slots, activeId, GAP);
    let bottom = 0;
    for (const slot of slots) {
      const top = tops.get(slot.id)!;
      const style = items.get(slot.id)!.el.style;
      if (style.top !== `${top}px`) style.top = `${top}px`;
      bottom = Math.max(bottom, top + slot.height);
    }
    const height = `${Math.ceil(bottom)}px`;
    if (host.style.minHeight !== height) host.style.minHeight = height;
  }

  function schedule(): void {
    if (!frame) frame = requestAnimationFrame(layout);
  }

  const resizes = new ResizeObserver(schedule);
  if (host.parentElement) resizes.observe(host.parentElement);
  resizes.observe(editor.view.dom);
  editor.on("update", schedule);
  document.fonts.addEventListener("loadingdone", schedule);
  void document.fonts.ready.then(schedule);

  return {
    update(threads, nextActive) {
      const seen = new Set<string>();
      for (const thread of threads) {
        seen.add(thread.id);
        let item = items.get(thread.id);
        if (!item) {
          item = build(thread);
          items.set(thread.id, item);
          host.append(item.el);
        }
        item.thread = thread;
        summary(item);
      }
      for (const [id, item] of items) {
        if (seen.has(id)) continue;
        resizes.unobserve(item.el);
        item.el.remove();
        items.delete(id);
      }
      order = threads.map((thread) => thread.id);
      activeId = nextActive !== null && items.has(nextActive) ? nextActive : null;
      for (const item of items.values()) expand(item, false);
      schedule();
    },
    setActive,
    showsCards,
    dispose() {
      cancelAnimationFrame(frame);
      resizes.disconnect();
      editor.off("update", schedule);
      document.fonts.removeEventListener("loadingdone", schedule);
      replaceChildren(host);
    },
  };
}
